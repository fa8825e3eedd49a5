{# a view: the fact grain is stored once, in int_budget_cells_classified and the narrative
   figures (issue 10: lean storage) #}
{{ config(materialized='view') }}
{# grain: one printed amount per document × table × row × side × column, every loaded
   document, published or not, earlier versions included, with the document's
   validation status and whether it is the latest version. #}
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

documents as (
    select document_id, validation_status, is_latest, is_published from {{ ref('dim_document') }}
),

final as (
    select l.* exclude (build_slice), d.validation_status, d.is_latest, d.is_published
    from lines as l
    inner join documents as d using (document_id)
)

select * from final
