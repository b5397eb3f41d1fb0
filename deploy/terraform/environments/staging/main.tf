# The staging environment: ../../modules/zixly with staging's sizes.
module "zixly" {
  source                         = "../../modules/zixly"
  environment                    = "staging"
  availability_zones             = var.availability_zones
  cidr_block                     = "10.10.0.0/16"
  single_nat_gateway             = true
  database_instance_class        = "db.t4g.medium"
  database_multi_az              = false
  database_backup_retention_days = 7
  node_min_size                  = 2
  node_max_size                  = 5
  domain_name                    = var.domain_name
  dns_zone_id                    = var.dns_zone_id
}
