{# grain: one row per stated figure · input: raw.narrative_figure
   Converts to 万元 with `to_wan_yuan`; an unknown unit stays null. A
   year-on-year statement belongs to the document's year: the year it compares
   with is `reference_year`, and it is labelled by it. #}
with source as (
    select * from {{ source('raw', 'narrative_figure') }}
),

final as (
    select
        document_id,
        figure_seq,
        metric,
        case
            when metric = 'yoy_change_total' then '比' || fiscal_year || '年预算增减'
            else label
        end as label,
        amount_text,
        amount as amount_printed,
        amount_unit,
        unit_basis,
        {{ to_wan_yuan('amount', 'amount_unit') }} as amount_wan,
        case when metric <> 'yoy_change_total' then fiscal_year end as stated_year,
        case when metric = 'yoy_change_total' then fiscal_year end as reference_year,
        percent,
        {{ to_wan_yuan('reference_amount', 'amount_unit') }} as reference_amount_wan,
        stated_direction,
        funds_scope,
        sentence,
        source_line,
        source_kind
    from source
)

select * from final
