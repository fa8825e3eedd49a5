{# grain: one row per unit (department or unit) across all documents.
   inputs: int_units, admin_divisions (seed: the region's GB/T 2260 code).
   rules: a unit's name and parent come from its latest document (of documents ingested
   together, the first by id, so a rebuild never flips a name). #}
with units as (
    select u.*, d.fiscal_year, d.ingested_at
    from {{ ref('int_units') }} as u
    inner join {{ ref('stg_raw__source_documents') }} as d using (document_id)
),

ranked as (
    select
        *,
        row_number() over (partition by unit_key order by fiscal_year desc nulls last, ingested_at desc, document_id) as recency
    from units
),

divisions as (
    select region_key, code as region_code from {{ ref('admin_divisions') }}
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
        d.region_code,
        province,
        city,
        county
    from ranked
    left join divisions as d using (region_key)
    where recency = 1
)

select * from final
