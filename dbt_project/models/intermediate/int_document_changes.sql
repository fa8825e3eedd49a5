{# grain: one row per document (and disclosure) this build rebuilds.
   inputs: int_document_signatures; the signatures the last build stored
   (int_document_build_state, read as it stands before this build: not a ref, which would be a
   cycle).
   rules: a full build (no previous build, `--full-refresh`, or any incremental model not yet
   built as a table) rebuilds every document. Otherwise: the documents whose signature changed,
   appeared or disappeared, and every document sharing a match key with one of them, old or
   new; their disclosures, old and new, are rebuilt whole. The incremental models delete the
   rows of these documents (or disclosures) and insert them again from this build's inputs.
   build_slice: a large build runs its incremental models one slice of these documents at a time
   (budgetwh.dbt_build, macros/rebuilt.sql); a document's slice comes from its publisher key
   (the old one for a removed document), so the documents whose rows read each other's
   (disclosures, versions, 预算/决算 pairs, years) are built in the same slice. #}
{%- set previous = adapter.get_relation(database=this.database, schema=this.schema, identifier='int_document_build_state') -%}
{%- set state = namespace(incremental=previous is not none and not flags.FULL_REFRESH) -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
        {%- set built = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if built is none or built.is_view -%}{%- set state.incremental = false -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}
with current_documents as (
    select * from {{ ref('int_document_signatures') }}
),
{% if state.incremental %}
previous_documents as (
    select * from {{ previous }}
),

changed_keys as (
    select distinct unnest(coalesce(c.match_keys, []) || coalesce(p.match_keys, [])) as match_key
    from current_documents as c
    full join previous_documents as p using (document_id)
    where c.signature is distinct from p.signature
),

affected as (
    select c.document_id, c.disclosure_key
    from (select document_id, disclosure_key, unnest(match_keys) as match_key from current_documents) as c
    inner join changed_keys using (match_key)
    union
    select p.document_id, p.disclosure_key
    from (select document_id, disclosure_key, unnest(match_keys) as match_key from previous_documents) as p
    inner join changed_keys using (match_key)
),
{% else %}
affected as (
    select document_id, disclosure_key from current_documents
),
{% endif %}
publisher_keys as (
    select document_id, match_keys[1] as publisher_key from current_documents
{%- if state.incremental %}
    union all
    select document_id, match_keys[1] from previous_documents
    where document_id not in (select document_id from current_documents)
{%- endif %}
),

final as (
    select distinct
        a.document_id,
        a.disclosure_key,
        {{ "'incremental'" if state.incremental else "'full'" }} as build_kind,
        hash(k.publisher_key) as build_slice
    from affected as a
    left join publisher_keys as k using (document_id)
)

select * from final
