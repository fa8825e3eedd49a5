{# grain: one row per thing a document prints about itself × the rule it answers to:
   - document_year_headings: a heading's year (2024 年度部门决算) = the document's fiscal year;
   - document_year_as_of: a year-end as-of date (截至2024年12月31日) is the fiscal year's end in
     a 决算, the previous year's in a 预算 (assets are reported as of the last closed year);
   - document_name_placeholder: no name is left from a template (XX局), one row per document;
   - document_department_names: a heading's publisher name (上海市规划和自然资源局2024年度部门决算表)
     names no place but the document's own: a name naming a place must name the document's
     lowest (its county, else city, else province), so 上海市规划和自然资源局 in a 普陀区
     document names the city's bureau; a shortened name that names no place (省人大办公厅,
     区科协) is the department's;
   - document_contents_tables: each table the 目录 lists is printed: by the file itself when
     it prints tables (its 目录 is its own contents), else, for a narrative-only file, by a
     file of its disclosure (江苏 lists in its narrative file the tables of its tables file).
   inputs: stg document mentions, stg documents, int_disclosures, stg tables, admin_divisions. #}
with documents as (
    select document_id, fiscal_year, phase, coalesce(county, city, province) as own_place
    from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
        -- only the documents this build (slice) rebuilds: each row below is one document's own
        and document_id in {{ rebuilt('document_id') }}
),

mentions as (
    select m.*, d.fiscal_year, d.phase, d.own_place
    from {{ ref('stg_raw__document_mentions') }} as m
    inner join documents as d using (document_id)
),

disclosures as (
    select document_id, disclosure_key from {{ ref('int_disclosures') }}
),

tables as (
    select distinct t.document_id, ds.disclosure_key, t.table_code
    from {{ ref('stg_raw__budget_tables') }} as t
    inner join disclosures as ds using (document_id)
),

prints_tables as (
    select distinct document_id from tables
),

headings as (
    select
        'document_year_headings' as rule_id, document_id, mention_seq as row_seq,
        printed_text as line_label, 'year' as measure,
        cast(mention_value as integer) as lhs, fiscal_year as rhs, source_line,
        'heading year ' || mention_value || ', fiscal year ' || coalesce(fiscal_year::varchar, '?') as detail,
        case when fiscal_year is null then 'the fiscal year is not found' end as missing_input
    from mentions
    where mention_kind = 'heading_year'
),

as_of as (
    select
        'document_year_as_of' as rule_id, document_id, mention_seq as row_seq,
        printed_text as line_label, 'year' as measure,
        cast(left(mention_value, 4) as integer) as lhs,
        case phase when 'final' then fiscal_year when 'budget' then fiscal_year - 1 end as rhs,
        source_line,
        'as of ' || mention_value || ' in a ' || coalesce(phase, '?') || ' of ' || coalesce(fiscal_year::varchar, '?')
            as detail,
        case
            when fiscal_year is null then 'the fiscal year is not found'
            when phase is null then 'the phase (预算 or 决算) is not found'
        end as missing_input
    from mentions
    -- other dates (截至2024年6月30日) say when something was counted, not which year closed
    where mention_kind = 'as_of_date' and right(mention_value, 5) = '12-31'
),

placeholders as (
    select
        'document_name_placeholder' as rule_id, d.document_id, 0 as row_seq,
        coalesce(string_agg(distinct m.mention_value, ', '), 'no placeholder name') as line_label,
        'placeholder_names' as measure,
        count(m.mention_seq) as lhs, 0 as rhs, min(m.source_line) as source_line,
        case when count(m.mention_seq) > 0 then 'printed ' || count(m.mention_seq) || ' times, first on page '
            || coalesce(min(m.source_page)::varchar, '?') end as detail,
        cast(null as varchar) as missing_input
    from documents as d
    left join mentions as m on m.document_id = d.document_id and m.mention_kind = 'placeholder_name'
    group by d.document_id
),

places as (
    select distinct name from {{ ref('admin_divisions') }}
),

department_names as (
    select
        'document_department_names' as rule_id, m.document_id, m.mention_seq as row_seq,
        m.printed_text as line_label, 'other_places_named' as measure,
        case when count(p.name) > 0 and not contains(m.mention_value, m.own_place) then 1 else 0 end as lhs,
        0 as rhs, m.source_line,
        m.mention_value || coalesce(' names ' || string_agg(p.name, ', ' order by p.name), ' names no place')
            || ', the document ' || coalesce(m.own_place, '?') as detail,
        case when m.own_place is null then 'the document''s region is not found' end as missing_input
    from mentions as m
    left join places as p on contains(m.mention_value, p.name)
    where m.mention_kind = 'department_name'
    group by m.document_id, m.mention_seq, m.printed_text, m.mention_value, m.own_place, m.source_line
),

contents as (
    select
        'document_contents_tables' as rule_id, m.document_id, m.mention_seq as row_seq,
        m.printed_text as line_label, 'tables_printed' as measure,
        1 as lhs, case when bool_or(t.table_code is not null) then 1 else 0 end as rhs, m.source_line,
        case
            when bool_or(t.document_id = m.document_id) then 'printed in this file'
            when bool_or(t.document_id is not null) then 'printed in another file of the disclosure'
            when any_value(own.document_id) is not null then 'listed in the 目录, not printed in this file'
            else 'listed in the 目录, printed in no file of the disclosure'
        end as detail,
        cast(null as varchar) as missing_input
    from mentions as m
    inner join disclosures as ds using (document_id)
    left join prints_tables as own on own.document_id = m.document_id
    left join tables as t
        on t.disclosure_key = ds.disclosure_key and t.table_code = m.mention_value
        and (t.document_id = m.document_id or own.document_id is null)
    where m.mention_kind = 'contents_entry'
    group by m.document_id, m.mention_seq, m.printed_text, m.source_line
),

unioned as (
    select * from headings
    union all select * from as_of
    union all select * from placeholders
    union all select * from department_names
    union all select * from contents
),

final as (
    select
        rule_id, document_id, cast(null as integer) as table_seq, 'document' as table_code,
        'department' as scope, cast(null as varchar) as unit_code, cast(null as varchar) as side,
        row_seq, line_label, cast(null as varchar) as subject_key, measure,
        cast(null as varchar) as amount_unit, cast(lhs as decimal(24, 6)) as lhs, cast(rhs as decimal(24, 6)) as rhs,
        1 as n_terms, source_line, detail, missing_input
    from unioned
)

{{ rule_check_rows('final') }}
