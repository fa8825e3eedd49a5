{# grain: one figure per disclosure × unit × subject × fund scope × figure, published
   documents only (int_budget_figure_picks), with the names of its disclosure, unit and subject.
   inputs: int_budget_figure_picks, dim_disclosure, dim_unit, dim_subject.
   figure_id and fact_id are computed here from the keys picks store (macros/fact_id.sql). #}
{{ config(materialized='view') }}
with picks as (
    select * from {{ ref('int_budget_figure_picks') }}
),

final as (
    select
        {{ figure_id('p.disclosure_key', 'p.unit_key', 'p.subject_key', 'p.fund_scope', 'p.figure') }} as figure_id,
        p.disclosure_key,
        d.region_key,
        d.department_name,
        d.fiscal_year,
        d.phase,
        p.unit_key,
        u.unit_name,
        p.unit_kind,
        p.subject_key,
        s.classification as subject_classification,
        s.code as subject_code,
        s.name as subject_name,
        s.level as subject_level,
        s.parent_subject_key,
        p.fund_scope,
        p.figure,
        p.amount_wan,
        p.summed_rows,
        p.printed_count,
        p.is_consistent,
        p.printed_in,
        p.source_kind,
        {{ fact_id('p.document_id', 'p.table_code', 'p.table_seq', 'p.row_seq', 'p.column_no') }} as fact_id,
        p.document_id,
        p.file_name,
        p.source_locator,
        p.table_code,
        p.table_title,
        p.line_label,
        p.column_label,
        p.amount_printed,
        p.amount_unit,
        p.sentence
    from picks as p
    inner join {{ ref('dim_disclosure') }} as d on d.disclosure_key = p.disclosure_key
    left join {{ ref('dim_unit') }} as u on u.unit_key = p.unit_key
    left join {{ ref('dim_subject') }} as s on s.subject_key = p.subject_key
)

select * from final
