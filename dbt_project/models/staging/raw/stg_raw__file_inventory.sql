{# grain: one row per file the last run saw under the raw folder · input: raw.file_inventory #}
with source as (
    select * from {{ source('raw', 'file_inventory') }}
),

final as (
    select
        path,
        byte_size,
        modified_at,
        status as file_status,
        document_id,
        duplicate_of,
        reason,
        seen_at
    from source
)

select * from final
