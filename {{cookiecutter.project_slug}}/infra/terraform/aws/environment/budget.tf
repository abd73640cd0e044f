# The environment's monthly budget, filtered on its cost tags (activate the tags as cost
# allocation tags in the billing console once): alerts on the forecast and the actual.
resource "aws_budgets_budget" "environment" {
  name         = local.name
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
  cost_filter {
    name = "TagKeyValue"
    # "user:<tag>$<value>": the tags are cost allocation tags once activated.
    values = [join("$", ["user:project", var.project]), join("$", ["user:environment", var.environment])]
  }
  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.budget_emails
  }
  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.budget_emails
  }
}
