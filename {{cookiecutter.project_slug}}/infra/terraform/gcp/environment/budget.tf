# The environment's monthly budget, filtered on its cost labels: alerts on the forecast
# and the actual spend.
resource "google_billing_budget" "environment" {
  billing_account = var.billing_account
  display_name    = local.name
  budget_filter {
    projects = ["projects/${data.google_project.current.number}"]
    labels = {
      environment = var.environment
    }
  }
  amount {
    specified_amount {
      currency_code = "USD"
      units         = tostring(var.monthly_budget)
    }
  }
  threshold_rules {
    threshold_percent = 0.8
    spend_basis       = "FORECASTED_SPEND"
  }
  threshold_rules {
    threshold_percent = 1.0
  }
  all_updates_rule {
    monitoring_notification_channels = var.budget_channels
  }
}
