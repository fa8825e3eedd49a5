{# grain: one figure per disclosure × unit × subject × fund scope × figure, for the units a
   department prints separately (本级 and subordinate units); the department totals are in
   fct_budget_figure, so a sum over units never adds the department again.
   input: int_budget_figures. #}
{{ config(materialized='view') }}
with figures as (
    select * from {{ ref('int_budget_figures') }}
),

final as (
    select * exclude (unit_kind)
    from figures
    where unit_kind = 'unit'
)

select * from final
