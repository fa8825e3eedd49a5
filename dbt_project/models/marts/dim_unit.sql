{# grain: one row per unit (department or unit) across all documents.
   input: int_units. rules: a unit's name and parent come from its latest document. #}
with units as (
    select u.*, d.fiscal_year, d.ingested_at
    from {{ ref('int_units') }} as u
    inner join {{ ref('stg_raw__source_documents') }} as d using (document_id)
),

ranked as (
    select
        *,
        row_number() over (partition by unit_key order by fiscal_year desc nulls last, ingested_at desc) as recency
    from units
),

final as (
    select
        unit_key,
        unit_natural_key,
        unit_code,
        unit_name,
        kind,
        parent_unit_key,
        region_key,
        province,
        city,
        county
    from ranked
    where recency = 1
)

select * from final
