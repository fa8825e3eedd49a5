{# grain: one figure per disclosure × unit × subject × fund scope × figure, published
   documents only. The same amount printed in several tables (支出总表, 收支总表,
   一般公共预算支出表 …) becomes one row, taken from the table figure_sources ranks first;
   the narrative supplies a figure only where no table prints it (precedence 9).
   inputs: fact_budget_line, dim_document, dim_disclosure, dim_unit, dim_subject,
   figure_sources (seed); it reads the marts because publishing is decided in dim_document.
   rules: a cell whose table, side and measure figure_sources does not list is not a
   figure; lines no classification names count only in item tables (采购, 项目), where
   rows with the same name are different items and add up within their table. #}
with facts as (
    select
        f.*,
        d.disclosure_key,
        s.classification as line_classification,
        c.shape as table_shape
    from {{ ref('fact_budget_line') }} as f
    inner join {{ ref('dim_document') }} as d using (document_id)
    left join {{ ref('dim_subject') }} as s using (subject_key)
    left join {{ ref('table_catalog') }} as c using (table_code)
    -- a narrative figure of another year (比上年 …) is not this disclosure's figure
    where f.source_kind = 'table' or f.fiscal_year = d.fiscal_year
),

sources as (
    select * from {{ ref('figure_sources') }}
),

mapped as (
    select
        f.*,
        coalesce(src.subject_override, f.subject_key) as figure_subject_key,
        src.fund_scope,
        src.figure,
        src.precedence
    from facts as f
    inner join sources as src
        on src.table_code = f.table_code
        and src.measure = f.measure
        and coalesce(src.side, '') = coalesce(f.side, '')
        and (
            src.line_classification = f.line_classification
            or (src.line_classification = '*' and coalesce(f.line_classification, '') != 'unmapped')
        )
),

per_table as (
    -- one amount per printing table: item tables add rows of the same name, other
    -- tables keep the first row (a repeated line is a restatement, checked by the rules)
    select
        disclosure_key,
        unit_key,
        figure_subject_key as subject_key,
        fund_scope,
        figure,
        precedence,
        table_code,
        table_seq,
        arg_min(fact_id, (row_seq, column_no)) as fact_id,
        case
            when any_value(table_shape) = 'item' then sum(amount_wan)
            else arg_min(amount_wan, (row_seq, column_no))
        end as amount_wan,
        count(*) as row_count
    from mapped
    where figure_subject_key is not null
    group by all
),

grouped as (
    select
        disclosure_key,
        unit_key,
        subject_key,
        fund_scope,
        figure,
        arg_min(fact_id, (precedence, table_seq)) as fact_id,
        arg_min(amount_wan, (precedence, table_seq)) as amount_wan,
        arg_min(row_count, (precedence, table_seq)) as row_count,
        count(*) as printed_count,
        count(distinct amount_wan) as printed_amounts,
        list(distinct table_code order by table_code) as printed_in
    from per_table
    group by all
),

disclosures as (
    select disclosure_key, region_key, department_name, fiscal_year, phase from {{ ref('dim_disclosure') }}
),

units as (
    select unit_key, unit_name from {{ ref('dim_unit') }}
),

subjects as (
    select
        subject_key,
        classification as subject_classification,
        code as subject_code,
        name as subject_name,
        level as subject_level,
        parent_subject_key
    from {{ ref('dim_subject') }}
),

final as (
    select
        md5(concat_ws('|', g.disclosure_key, g.unit_key, g.subject_key, g.fund_scope, g.figure)) as figure_id,
        g.disclosure_key,
        d.region_key,
        d.department_name,
        d.fiscal_year,
        d.phase,
        g.unit_key,
        u.unit_name,
        f.scope as unit_kind,
        g.subject_key,
        s.subject_classification,
        s.subject_code,
        s.subject_name,
        s.subject_level,
        s.parent_subject_key,
        g.fund_scope,
        g.figure,
        g.amount_wan,
        g.row_count as summed_rows,
        g.printed_count,
        g.printed_amounts = 1 as is_consistent,
        g.printed_in,
        case when f.table_code = 'narrative' then 'narrative' else 'table' end as source_kind,
        f.fact_id,
        f.document_id,
        f.file_name,
        f.source_locator,
        f.table_code,
        f.table_title,
        f.line_label,
        f.column_label,
        f.amount_printed,
        f.amount_unit,
        f.sentence
    from grouped as g
    inner join facts as f using (fact_id)
    inner join disclosures as d on d.disclosure_key = g.disclosure_key
    left join units as u on u.unit_key = g.unit_key
    left join subjects as s on s.subject_key = g.subject_key
)

select * from final
