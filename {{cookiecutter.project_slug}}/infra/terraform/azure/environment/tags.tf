# The mandatory cost tags, once: cost centre, project, team (owner), environment,
# managed-by and data classification. tools/check_tags.py reads this map.
locals {
  tags = {
    "cost-centre"         = var.cost_centre
    project               = var.project
    team                  = var.team
    environment           = var.environment
    "managed-by"          = "terraform"
    "data-classification" = var.data_classification
  }
}
