{# grain: one figure per disclosure × unit × subject × fund scope × figure, published
   documents only (int_budget_figure_picks), with the names of its disclosure, unit and subject.
   inputs: int_budget_figure_picks, dim_disclosure, dim_unit, dim_subject. #}
{{ config(materialized='view') }}
with picks as (
    select * from {{ ref('int_budget_figure_picks') }}
),

final as (
    select
        p.figure_id,
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
        p.fact_id,
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
