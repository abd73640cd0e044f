# The environment's monthly budget on its resource group: alerts on the forecast and
# the actual spend.
resource "azurerm_consumption_budget_resource_group" "environment" {
  name              = local.name
  resource_group_id = azurerm_resource_group.environment.id
  amount            = var.monthly_budget
  time_grain        = "Monthly"
  # Budgets start on the first of a month: this month's, when created.
  time_period {
    start_date = formatdate("YYYY-MM-01'T'00:00:00Z", timestamp())
  }
  lifecycle {
    ignore_changes = [time_period]
  }
  notification {
    operator       = "GreaterThan"
    threshold      = 80
    threshold_type = "Forecasted"
    contact_emails = var.budget_emails
  }
  notification {
    operator       = "GreaterThan"
    threshold      = 100
    threshold_type = "Actual"
    contact_emails = var.budget_emails
  }
}
