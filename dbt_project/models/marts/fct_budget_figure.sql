{# grain: one figure per disclosure × subject × fund scope × figure, at the level of the
   department (the disclosure's own totals): a plain sum by department, year and subject
   counts each printed amount once. Per-unit figures are in fct_unit_budget_figure.
   input: int_budget_figures. #}
{{ config(materialized='view') }}
with figures as (
    select * from {{ ref('int_budget_figures') }}
),

final as (
    select * exclude (unit_kind)
    from figures
    where unit_kind = 'department'
)

select * from final
