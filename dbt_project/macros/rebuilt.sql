{# Incremental builds (issue 10). int_document_changes lists the documents a build rebuilds:
   every document in a full build, else those whose raw rows, file state or acceptance changed
   since the last build and every document related to them (same publisher, same path). Models
   keyed by document or disclosure read only those and replace only their rows.

   Sliced builds: a build of more documents than one pass should hold in memory runs the
   incremental models once per slice of them (budgetwh.dbt_build.dbt_build_sliced), with the vars
   `build_slices` (how many) and `build_slice` (this one, from 0). Related documents share a slice
   (int_document_changes.build_slice). #}

{# The documents this build (this slice of it, if sliced) rebuilds, as a subquery:
   `document_id in {{ rebuilt('document_id') }}`. `sliced=false`: all of them. #}
{% macro rebuilt(key='document_id', sliced=true) -%}
    (select {{ key }} from {{ ref('int_document_changes') }}
    {%- if sliced and slice_bounds() is not none %} where {{ in_slice('build_slice') }}{% endif -%})
{%- endmacro %}

{# The documents this build (this slice of it) rebuilds with their build_slice, as a subquery to
   join: a model that stores build_slice on its rows takes it from here. #}
{% macro rebuilt_slices() -%}
    (select distinct document_id, build_slice from {{ ref('int_document_changes') }}
    where {{ in_slice('build_slice') }})
{%- endmacro %}

{# This build's slice as a range of build_slice (a 64-bit hash of the publisher): slice i of k
   holds [i·2⁶⁴/k, (i+1)·2⁶⁴/k). A range, not `build_slice % k = i`, because DuckDB checks a
   range against each row group's min and max: rows appended slice by slice (the incremental
   models in a sliced build) sit together, and a reader that filters on the range skips the row
   groups of every other slice instead of scanning the whole growing table. None: not sliced. #}
{% macro slice_bounds() -%}
    {%- set slices = var('build_slices', 1) | int -%}
    {%- if slices <= 1 -%}{{ return(none) }}{%- endif -%}
    {%- set i = var('build_slice') | int -%}
    {{ return([(2 ** 64 * i) // slices, (2 ** 64 * (i + 1)) // slices]) }}
{%- endmacro %}

{# The filter on a build_slice column to this build's slice (`true` when not sliced), for the
   readers of an incremental model that stores build_slice: beside `document_id in rebuilt()`,
   it lets the scan skip other slices' row groups. #}
{% macro in_slice(column) -%}
    {%- set bounds = slice_bounds() -%}
    {%- if bounds is none -%}true
    {%- else -%}({{ column }} >= {{ bounds[0] }}::ubigint
        {%- if bounds[1] < 2 ** 64 %} and {{ column }} < {{ bounds[1] }}::ubigint{% endif %})
    {%- endif -%}
{%- endmacro %}

{# The filter to the rows this build (this slice of it) rebuilds, for a reader of a table that
   keeps build_slice (the classified cells, the lines): `document_id in rebuilt()` says which,
   the range on build_slice lets the scan skip the row groups of other slices. `alias`: the
   table's alias in the reader, if it has one. #}
{% macro rebuilt_here(alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {{ prefix }}document_id in {{ rebuilt('document_id') }} and {{ in_slice(prefix ~ 'build_slice') }}
{%- endmacro %}

{# Pre-hook of an incremental model: before its new rows go in, remove the rows of what is
   rebuilt, including documents or disclosures that now yield no rows at all (dbt's
   delete+insert would only delete keys present in the new rows). A sliced build removes the
   rows of every slice before its first slice inserts and none after: a model that reads
   another document's rows (same publisher, other year) then never sees rows its rebuild is
   about to replace, whichever slice that document is in. #}
{% macro delete_rebuilt(key='document_id') -%}
    {%- if is_incremental() and var('build_slice', 0) | int == 0 -%}
        delete from {{ this }} where {{ key }} in {{ rebuilt(key, sliced=false) }}
    {%- endif -%}
{%- endmacro %}
