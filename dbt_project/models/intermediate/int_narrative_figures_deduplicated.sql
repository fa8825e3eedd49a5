{# grain: one row per document × metric × label × year: the first statement of
   each figure. Later restatements stay in staging; the rule `narrative_restated_consistently`
   checks they agree.
   incremental: the rows of the documents int_document_changes lists are replaced; each row
   keeps its document's build_slice, which the readers of int_budget_lines (a view over this
   and the classified cells) filter on (macros/rebuilt.sql). #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('document_id') }}") }}
with figures as (
    select f.*, r.build_slice
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join {{ rebuilt_slices() }} as r using (document_id)
),

documents as (
    select document_id, fiscal_year from {{ ref('stg_raw__source_documents') }}
),

ranked as (
    select
        f.*,
        coalesce(f.stated_year, d.fiscal_year) as fiscal_year,
        row_number() over (
            partition by f.document_id, f.metric, coalesce(f.label, ''), coalesce(f.stated_year, d.fiscal_year)
            order by f.figure_seq
        ) as statement_rank
    from figures as f
    inner join documents as d using (document_id)
),

final as (
    select * exclude (statement_rank)
    from ranked
    where statement_rank = 1
)

select * from final
