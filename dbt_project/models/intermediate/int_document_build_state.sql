{# grain: one row per source document version: the signatures this build was made from.
   input: int_document_signatures. It is built after every incremental model (the depends_on
   lines), so a build that stops earlier leaves the previous state, and the next build's
   int_document_changes compares against what the stored rows were built from. #}
-- depends_on: {{ ref('int_budget_cells_classified') }}
-- depends_on: {{ ref('int_budget_lines') }}
-- depends_on: {{ ref('int_budget_figure_picks') }}
-- depends_on: {{ ref('fct_rule_check') }}
-- depends_on: {{ ref('fct_rule_findings_by_publisher') }}
-- depends_on: {{ ref('int_figure_composition') }}
-- depends_on: {{ ref('fct_figure_year_on_year') }}
-- depends_on: {{ ref('int_document_counts') }}
select * from {{ ref('int_document_signatures') }}
