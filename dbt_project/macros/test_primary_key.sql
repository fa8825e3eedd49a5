{# Generic test: the column is a key, unique and never null, checked in one pass over the rows
   (dbt's `unique` and `not_null` read them twice: fct_rule_check's md5 ids were computed for
   ~10 M checks in each at 10,000 documents, and every test is a node an incremental build runs). #}
{% test primary_key(model, column_name) %}
select {{ column_name }} as key_value, count(*) as n_records
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
