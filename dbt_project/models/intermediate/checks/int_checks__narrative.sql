{# grain: one row per narrative identity instance of a document:
   - narrative_matches_table: a headline figure = the department's table figure, in
     any file of the document's disclosure (skipped naming the table when no file
     of the disclosure prints it);
   - identities among narrative figures (narrative_identities seed), skipped
     naming the figures the narrative does not state;
   - projects sum to 项目支出 (project forms converted to 万元);
   - restatements of a figure agree with its first statement.
   inputs: stg/int narrative figures, int_budget_cells_classified, seeds. #}
with documents as (
    select document_id, fiscal_year from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

firsts as (
    -- this year's figures: the first statement of each metric
    select f.*
    from {{ ref('int_narrative_figures_deduplicated') }} as f
    inner join documents as d using (document_id)
    where (f.label is null or f.source_kind = 'form') and not {{ is_clause_metric('f.metric') }}
),

this_year as (
    select f.* from firsts as f
    inner join documents as d on d.document_id = f.document_id and d.fiscal_year = f.fiscal_year
    where f.metric <> 'project_amount'
    qualify row_number() over (partition by f.document_id, f.metric order by f.source_kind desc, f.figure_seq) = 1
),

cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    where scope = 'department'
        and {{ rebuilt_here() }}
),

disclosures as (
    select document_id, disclosure_key, file_name from {{ ref('int_disclosures') }}
),

latest as (
    select document_id, is_latest from {{ ref('int_document_versions') }}
),

dept_tables as (
    -- the tables of each disclosure: a narrative file is checked against the tables
    -- file published with it (a document that prints the table itself uses its own;
    -- another file's tables only when that file is the latest of its kind)
    select distinct ds.disclosure_key, t.document_id, ds.file_name, t.table_code, l.is_latest
    from {{ ref('stg_raw__budget_tables') }} as t
    inner join disclosures as ds using (document_id)
    inner join latest as l using (document_id)
    where t.scope = 'department'
),

readable_tables as (
    -- which tables each document's narrative reads, as pairs to join on: a join on the OR-ed
    -- condition ran as a nested loop (36 of 52 s at 10,000 documents, issue 10)
    select ds.document_id as reader_id, t.*
    from dept_tables as t
    inner join disclosures as ds using (disclosure_key)
    where t.document_id = ds.document_id or t.is_latest
),

table_map as (
    select * from {{ ref('narrative_table_map') }}
),

table_shape as (
    -- which columns each table prints: a figure whose column the table's template does
    -- not have (江苏 基本支出表 prints no 人员经费 column) is skipped, not failed. A line
    -- printed blank leaves no cell, so a missing line still counts as 0: a 三公 table
    -- left blank while the text states 0.95万元 must fail.
    select document_id, table_code, list(distinct measure) as measures
    from cells
    group by all
),

table_values as (
    select document_id, table_code, subject_key, measure, sum(amount_wan) as amount, min(source_line) as source_line
    from cells
    group by all
),

matches as (
    select
        'narrative_matches_table' as rule_id,
        f.document_id,
        cast(null as integer) as table_seq,
        m.table_code,
        'department' as scope,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as side,
        f.figure_seq as row_seq,
        f.metric || ': ' || f.sentence as line_label,
        m.subject_key,
        f.metric as measure,
        '万元' as amount_unit,
        f.amount_wan as lhs,
        case when t.table_code is not null then coalesce(v.amount, 0) end as rhs,
        2 as n_terms,
        f.source_line,
        'table line ' || coalesce(v.source_line::varchar, '(blank)')
            || case when t.document_id <> f.document_id then ' of ' || t.file_name else '' end as detail,
        case
            when t.table_code is null then m.table_code || ' not printed'
            when v.amount is null and not list_contains(sh.measures, m.measure)
                then m.table_code || ' prints no ' || m.measure || ' column'
        end as missing_input
    from this_year as f
    inner join disclosures as fd on fd.document_id = f.document_id
    inner join table_map as m on m.metric = f.metric
    left join readable_tables as t
        on t.reader_id = f.document_id and t.table_code = m.table_code
    left join table_shape as sh on sh.document_id = t.document_id and sh.table_code = m.table_code
    left join table_values as v
        on v.document_id = t.document_id and v.table_code = m.table_code
        and v.subject_key = m.subject_key and v.measure = m.measure
    -- the document's own tables first, then its disclosure's other files; templates
    -- print a figure in different places (预算: 合计 row × 人员经费 column; 决算: an
    -- 人员经费合计 row): check the first place the table fills
    qualify row_number() over (
        partition by f.document_id, f.metric
        order by t.document_id is distinct from f.document_id, v.amount is null, m.priority, t.document_id
    ) = 1
),

identities as (
    select rule_id, lhs_metric, string_split(rhs_metrics, '|') as rhs_metrics
    from {{ ref('narrative_identities') }}
),

identity_rhs as (
    -- one row per right-side metric: joined on equalities, not list_contains (a nested loop)
    select distinct rule_id, unnest(rhs_metrics) as metric from identities
),

this_year_scoped as (
    -- the first statement of each metric in each funds scope its clause prints: an identity
    -- adds up figures of one scope (基本支出 of all funds is not 财政拨款 人员经费 + 公用经费)
    select f.*, coalesce(f.funds_scope, 'all') as scope_key
    from firsts as f
    inner join documents as d on d.document_id = f.document_id and d.fiscal_year = f.fiscal_year
    where f.metric <> 'project_amount'
    qualify row_number() over (
        partition by f.document_id, f.metric, coalesce(f.funds_scope, 'all') order by f.source_kind desc, f.figure_seq
    ) = 1
),

identity_terms as (
    -- each scope the left side is stated in, with the right-side terms stated in that scope;
    -- the scope whose terms are all stated wins, else the first statement's
    select
        i.rule_id,
        l.document_id,
        l.scope_key,
        any_value(l.amount_wan) as lhs,
        any_value(l.source_line) as lhs_line,
        sum(r.amount_wan) as rhs,
        count(r.amount_wan) as n_rhs,
        list(r.metric) filter (where r.metric is not null) as stated
    from identities as i
    inner join this_year_scoped as l on l.metric = i.lhs_metric
    left join (
        select ir.rule_id, r.* from identity_rhs as ir inner join this_year_scoped as r using (metric)
    ) as r
        on r.rule_id = i.rule_id and r.document_id = l.document_id and r.scope_key = l.scope_key
    group by i.rule_id, l.document_id, l.scope_key, l.figure_seq
    qualify row_number() over (
        partition by i.rule_id, l.document_id order by count(r.amount_wan) = len(any_value(i.rhs_metrics)) desc, l.figure_seq
    ) = 1
),

narrative_identities as (
    select
        i.rule_id,
        d.document_id,
        cast(null as integer) as table_seq,
        'narrative' as table_code,
        'department' as scope,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as side,
        0 as row_seq,
        i.lhs_metric || ' = ' || array_to_string(i.rhs_metrics, ' + ') as line_label,
        cast(null as varchar) as subject_key,
        i.lhs_metric as measure,
        '万元' as amount_unit,
        t.lhs,
        t.rhs,
        coalesce(t.n_rhs, 0) + 1 as n_terms,
        t.lhs_line as source_line,
        case when t.scope_key <> 'all' then 'funds: ' || t.scope_key end as detail,
        nullif(
            concat_ws(', ',
                case when t.lhs is null then i.lhs_metric end,
                nullif(array_to_string(
                    list_filter(i.rhs_metrics, lambda x: not list_contains(coalesce(t.stated, []), x)), ', '
                ), '')
            ), ''
        ) as missing_input
    from documents as d
    cross join identities as i
    left join identity_terms as t on t.document_id = d.document_id and t.rule_id = i.rule_id
),

projects as (
    select
        f.document_id,
        sum(f.amount_wan) as amount_wan,
        count(*) as n,
        count(*) filter (where f.amount_wan is null) as n_unknown,
        min(f.source_line) as source_line
    from {{ ref('stg_raw__narrative_figures') }} as f
    where f.metric = 'project_amount'
    group by all
),

projects_sum as (
    select
        'narrative_projects_sum' as rule_id,
        d.document_id,
        cast(null as integer) as table_seq,
        'narrative' as table_code,
        'department' as scope,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as side,
        0 as row_seq,
        'project_expense = Σ project_amount' as line_label,
        cast(null as varchar) as subject_key,
        'project_expense' as measure,
        '万元' as amount_unit,
        pe.amount_wan as lhs,
        p.amount_wan as rhs,
        coalesce(p.n, 0) + 1 as n_terms,
        coalesce(pe.source_line, p.source_line) as source_line,
        cast(null as varchar) as detail,
        case
            when p.document_id is null then 'no project amounts stated'
            when p.n_unknown > 0 then p.n_unknown || ' project amounts in an unknown unit'
            when pe.amount_wan is null then 'project_expense'
        end as missing_input
    from documents as d
    left join projects as p using (document_id)
    left join this_year as pe on pe.document_id = d.document_id and pe.metric = 'project_expense'
),

restated as (
    select
        'narrative_restated_consistently' as rule_id,
        s.document_id,
        cast(null as integer) as table_seq,
        'narrative' as table_code,
        'department' as scope,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as side,
        s.figure_seq as row_seq,
        s.metric || ': ' || s.sentence as line_label,
        cast(null as varchar) as subject_key,
        s.metric as measure,
        '万元' as amount_unit,
        s.amount_wan as lhs,
        f.amount_wan as rhs,
        1 as n_terms,
        s.source_line,
        'first stated at line ' || f.source_line as detail,
        cast(null as varchar) as missing_input
    from {{ ref('stg_raw__narrative_figures') }} as s
    inner join documents as d using (document_id)
    inner join {{ ref('int_narrative_figures_deduplicated') }} as f
        on f.document_id = s.document_id and f.metric = s.metric
        and coalesce(f.label, '') = coalesce(s.label, '')
        and f.fiscal_year = coalesce(s.stated_year, d.fiscal_year)
        and f.figure_seq <> s.figure_seq
    -- a figure read from its clause alone is keyed by its words as printed, which name
    -- neither the scope nor the section: two of them are not known to be the same figure
    where s.metric <> 'yoy_change_total' and not {{ is_clause_metric('s.metric') }}
),

final as (
    select * from matches
    union all select * from narrative_identities
    union all select * from projects_sum
    union all select * from restated
)

{{ rule_check_rows('final') }}
