{# a view over fact_budget_line_all: the fact grain is stored once (issue 10) #}
{{ config(materialized='view') }}
{# grain: one printed amount per document × table × row × side × column, for published
   documents only (the latest version, passed, or failed but accepted): the default
   for BI users.
   Amounts: amount_wan in 万元 (DECIMAL); amount_printed and amount_unit as printed. #}
with lines as (
    select * from {{ ref('fact_budget_line_all') }}
),

final as (
    select * exclude (is_latest, is_published)
    from lines
    where is_published
)

select * from final
