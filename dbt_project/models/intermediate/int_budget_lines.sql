{# grain: one printed amount per document × table × row × side × column, for every
   loaded document (published or not). Table cells and narrative figures in one
   shape; narrative figures use table_code 'narrative' and the metric as measure.
   A narrative figure naming a 类/款/项 carries its subject (int_narrative_subjects).
   inputs: int_budget_cells_classified, int_narrative_figures_deduplicated, int_units,
   int_narrative_subjects.
   incremental: the rows of the documents int_document_changes lists are replaced. int_budget_figures
   addresses a fact by its rowid here within one statement, so this model stays a table. Each row
   keeps its document's build_slice, for the readers of a sliced build (macros/rebuilt.sql). #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('document_id') }}") }}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    where {{ rebuilt_here() }}
),

figures as (
    select f.*, r.build_slice
    from {{ ref('int_narrative_figures_deduplicated') }} as f
    inner join {{ rebuilt_slices() }} as r using (document_id)
),

units as (
    select * from {{ ref('int_units') }}
),

documents as (
    select document_id, source_path, file_name, file_format, fiscal_year, phase
    from {{ ref('stg_raw__source_documents') }}
),

table_lines as (
    select
        md5(c.document_id || '|t|' || c.table_seq || '|' || c.row_seq || '|' || c.column_no) as fact_id,
        c.document_id,
        u.unit_key,
        c.fiscal_year,
        c.subject_key,
        c.table_code,
        c.table_seq,
        c.table_title,
        c.phase,
        c.scope,
        c.side,
        c.row_seq,
        c.line_label,
        c.subject_code as subject_code_printed,
        c.column_no,
        c.column_label,
        c.measure,
        c.amount_text,
        c.amount_printed,
        c.amount_unit,
        c.amount_wan,
        'printed' as unit_basis,
        c.source_path,
        c.file_name,
        c.source_line,
        c.source_line_end,
        c.source_page,
        c.bbox_x0,
        c.bbox_y0,
        c.bbox_x1,
        c.bbox_y1,
        {{ source_locator('d.file_format', 'c.source_page', 'c.source_line', 'c.bbox_x0', 'c.bbox_y0') }}
            as source_locator,
        cast(null as varchar) as sentence,
        cast(null as varchar) as funds_scope,
        'table' as source_kind,
        c.build_slice
    from cells as c
    inner join documents as d using (document_id)
    left join units as u
        on u.document_id = c.document_id
        and u.kind = c.scope
        and coalesce(u.unit_code, u.unit_name) = coalesce(c.unit_code, c.unit_name)
),

narrative_lines as (
    select
        md5(f.document_id || '|n|' || f.figure_seq) as fact_id,
        f.document_id,
        u.unit_key,
        f.fiscal_year,
        ns.subject_key,
        'narrative' as table_code,
        0 as table_seq,
        case f.source_kind when 'form' then '绩效目标表' else '情况说明' end as table_title,
        d.phase,
        'department' as scope,
        cast(null as varchar) as side,
        f.figure_seq as row_seq,
        coalesce(f.label, f.metric) as line_label,
        cast(null as varchar) as subject_code_printed,
        0 as column_no,
        '' as column_label,
        f.metric as measure,
        f.amount_text,
        f.amount_printed,
        f.amount_unit,
        f.amount_wan,
        f.unit_basis,
        d.source_path,
        d.file_name,
        f.source_line,
        f.source_line as source_line_end,
        cast(null as integer) as source_page,
        cast(null as double) as bbox_x0,
        cast(null as double) as bbox_y0,
        cast(null as double) as bbox_x1,
        cast(null as double) as bbox_y1,
        'line ' || f.source_line as source_locator,
        f.sentence,
        f.funds_scope,
        'narrative_' || f.source_kind as source_kind,
        f.build_slice
    from figures as f
    inner join documents as d using (document_id)
    left join units as u
        on u.document_id = f.document_id
        and u.kind = 'department'
    left join {{ ref('int_narrative_subjects') }} as ns
        on ns.document_id = f.document_id and ns.figure_seq = f.figure_seq
),

final as (
    select * from table_lines
    union all
    select * from narrative_lines
)

select * from final
