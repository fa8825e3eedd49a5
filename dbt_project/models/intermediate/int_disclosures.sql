{# grain: one row per loaded document, with the disclosure it belongs to.
   input: stg documents.
   rules: a disclosure is what one department published for one year and phase, in
   one file or several (江苏 publishes a narrative file and a tables file). Documents
   match on what they print: region, department (code, else name), year and phase;
   a document that does not say all of these stands alone. #}
with documents as (
    select * from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

keyed as (
    select
        document_id,
        file_name,
        region_key,
        department_code,
        department_name,
        fiscal_year,
        phase,
        coalesce(department_code, department_name) is not null
            and fiscal_year is not null
            and phase is not null as is_identified
    from documents
),

final as (
    select
        *,
        case
            when is_identified then md5(concat_ws('|', 'disclosure', region_key,
                coalesce(department_code, department_name), fiscal_year::varchar, phase))
            else md5('document|' || document_id)
        end as disclosure_key
    from keyed
)

select * from final
