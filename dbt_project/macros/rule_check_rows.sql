{# The last step of every check model (intermediate/checks): the identity instances of the
   documents this build rebuilds, measured against their rule. diff = lhs − rhs. Each printed
   figure is rounded to 0.01 of its unit, so an identity over n printed terms may be off by up
   to n × 0.005: tolerance is tolerance_per_term × n_terms (in 万元; a table printed in 元
   scales it by 1/10000). diff 0 → pass; within tolerance → rounding; beyond → fail; missing
   input → skipped, with the message naming what is missing.
   Each check model stores its own rows (one statement per family: their union in one
   statement needed twice the time at 10,000 documents, spilling out of the 4 GB pool), and
   marts.fct_rule_check is a view over them, so an instance is stored once. The filter on
   rebuilt documents keeps a check that reads other documents (a prior year) from adding rows
   of a document this build does not rebuild.
   in_document_order: sort the rows by document. For a family whose rows leave a hash aggregate
   scattered (int_checks__hierarchy): ~170 documents' 64-character ids in every row group do not
   dictionary-compress (135 MB at 10,000 documents, 62 MB sorted), and a reader filtering on
   document_id (an incremental build's tests and counts) can skip no row group by its min and max.
   Not for every family: the families already come out nearly in document order (a few MB
   each), and sorting them all, two at a time on two threads, ran out of the 4 GB pool. #}
{% macro rule_check_rows(checks, in_document_order=false) -%}
select
    m.* exclude (detail, missing_input),
    case
        when m.missing_input is not null or m.lhs is null or m.rhs is null then 'skipped'
        when m.diff = 0 then 'pass'
        when abs(m.diff) <= m.tolerance then 'rounding'
        else 'fail'
    end as status,
    case
        when m.missing_input is not null then 'missing input: ' || m.missing_input
        when m.lhs is null or m.rhs is null
            then 'missing input: ' || case when m.lhs is null then 'left side' else 'right side' end
        else m.detail
    end as message
from (
    select
        c.*,
        r.family as rule_family,
        r.severity,
        cast(c.lhs - c.rhs as decimal(24, 6)) as diff,
        cast(
            r.tolerance_per_term * c.n_terms * case c.amount_unit when '元' then 0.0001 else 1 end
            as decimal(24, 6)
        ) as tolerance
    from {{ checks }} as c
    inner join {{ ref('rule_catalog') }} as r using (rule_id)
    where c.document_id in {{ rebuilt('document_id') }}
) as m
{%- if in_document_order %}
order by m.document_id
{%- endif %}
{%- endmacro %}
