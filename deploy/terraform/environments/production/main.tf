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

# Regional disaster recovery (ADR 0036): production only.
module "dr" {
  source         = "../../modules/dr"
  providers      = { aws = aws, aws.dr = aws.dr }
  name           = "zixly-production"
  results_bucket = module.zixly.results_bucket
  backups_bucket = module.zixly.backups_bucket
  kms_key_arn    = module.zixly.kms_key_arn
  database_arn   = module.zixly.database_arn
}
