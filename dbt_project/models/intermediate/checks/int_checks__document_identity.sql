{# grain: one row per loaded document × identity check (year, department, amount
   units, facts, blank tables). lhs counts problems, rhs is 0: any problem is a `fail`.
   inputs: stg documents, stg tables, stg narrative figures, int_budget_lines. #}
with documents as (
    select * from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

tables as (
    select document_id, count(*) filter (where amount_unit is null) as tables_without_unit
    from {{ ref('stg_raw__budget_tables') }}
    group by all
),

figures as (
    select document_id, count(*) filter (where amount_unit is null) as figures_without_unit
    from {{ ref('stg_raw__narrative_figures') }}
    group by all
),

facts as (
    select document_id, count(*) as n_facts, count(*) filter (where source_kind = 'table') as n_table_facts
    from {{ ref('int_budget_lines') }}
    where {{ rebuilt_here() }}
    group by all
),

recognised as (
    select document_id, count(*) as n_tables from {{ ref('stg_raw__budget_tables') }} group by all
),

checks as (
    select
        'document_fiscal_year' as rule_id, d.document_id,
        case when d.fiscal_year between 2000 and year(current_date) + 1 then 0 else 1 end as problems,
        'fiscal year ' || coalesce(d.fiscal_year::varchar, 'not found') as detail
    from documents as d
    union all
    select
        'document_unit', d.document_id,
        case when d.department_name is not null or d.department_code is not null then 0 else 1 end,
        'department ' || coalesce(d.department_code || ' ', '') || coalesce(d.department_name, 'not found')
    from documents as d
    union all
    select
        'document_amount_unit', d.document_id,
        coalesce(t.tables_without_unit, 0) + coalesce(f.figures_without_unit, 0),
        coalesce(t.tables_without_unit, 0) || ' tables without 单位, '
            || coalesce(f.figures_without_unit, 0) || ' figures in an unknown unit'
    from documents as d
    left join tables as t using (document_id)
    left join figures as f using (document_id)
    union all
    -- Nothing read at all is an error (a reader or recogniser failure); tables recognised
    -- but all blank is what a published blank template (决算模板) looks like: a warning.
    select
        'document_has_facts', d.document_id,
        case when coalesce(x.n_facts, 0) > 0 or coalesce(r.n_tables, 0) > 0 then 0 else 1 end,
        coalesce(x.n_facts, 0) || ' facts, ' || coalesce(r.n_tables, 0) || ' tables recognised'
    from documents as d
    left join facts as x using (document_id)
    left join recognised as r using (document_id)
    union all
    select
        'document_tables_blank', d.document_id,
        -- the narrative's figures do not fill a blank table (a template's 单价100万元以上 is a bound)
        case when coalesce(x.n_table_facts, 0) = 0 and coalesce(r.n_tables, 0) > 0 then 1 else 0 end,
        coalesce(r.n_tables, 0) || ' tables recognised, ' || coalesce(x.n_table_facts, 0) || ' table facts'
    from documents as d
    left join facts as x using (document_id)
    left join recognised as r using (document_id)
),

final as (
    select
        rule_id, document_id, cast(null as integer) as table_seq, 'document' as table_code,
        cast(null as varchar) as scope, cast(null as varchar) as unit_code, cast(null as varchar) as side,
        0 as row_seq, detail as line_label, cast(null as varchar) as subject_key, rule_id as measure,
        cast(null as varchar) as amount_unit,
        cast(problems as decimal(24, 6)) as lhs, cast(0 as decimal(24, 6)) as rhs, 1 as n_terms,
        cast(null as integer) as source_line, detail, cast(null as varchar) as missing_input
    from checks
)

{{ rule_check_rows('final') }}
