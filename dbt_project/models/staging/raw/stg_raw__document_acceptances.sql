{# grain: one row per document accepted (latest acceptance wins) · input: raw.document_acceptance #}
with source as (
    select * from {{ source('raw', 'document_acceptance') }}
),

ranked as (
    select
        *,
        row_number() over (partition by document_id order by accepted_at desc) as recency
    from source
),

final as (
    select document_id, reason as acceptance_reason, accepted_by, accepted_at
    from ranked
    where recency = 1
)

select * from final
