{# grain: one row per source document version · input: raw.source_document #}
with source as (
    select * from {{ source('raw', 'source_document') }}
),

final as (
    select
        document_id,
        source_path,
        file_name,
        file_format,
        byte_size,
        parser_version,
        status as load_status,
        error as load_error,
        fiscal_year,
        department_code,
        department_name,
        coalesce(region_key, 'unknown') as region_key,
        province,
        city,
        county,
        identity_evidence,
        table_count,
        cell_count,
        figure_count,
        ingested_at,
        phase,
        page_count,
        finding_count,
        narrative_money_printed,
        narrative_money_read,
        file_modified_at,
        last_seen_at,
        removed_at
    from source
)

select * from final
