# The production environment: ../../modules/zixly with production's sizes.
module "zixly" {
  source                         = "../../modules/zixly"
  environment                    = "production"
  availability_zones             = var.availability_zones
  cidr_block                     = "10.20.0.0/16"
  single_nat_gateway             = false
  database_instance_class        = "db.r7g.large"
  database_multi_az              = true
  database_backup_retention_days = 35
  node_min_size                  = 3
  node_max_size                  = 12
  domain_name                    = var.domain_name
  dns_zone_id                    = var.dns_zone_id
}
