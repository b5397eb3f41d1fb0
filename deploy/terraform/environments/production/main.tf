# The production environment: network, KMS key and secret, storage, database, EKS and registry.
locals {
  environment = "production"
  name        = "zixly-production"
  tags = {
    Project     = "zixly"
    Environment = "production"
    ManagedBy   = "terraform"
  }
}

module "secrets" {
  source      = "../../modules/secrets"
  name        = local.name
  environment = local.environment
  tags        = local.tags
}

module "network" {
  source             = "../../modules/network"
  name               = local.name
  cidr_block         = "10.20.0.0/16"
  availability_zones = var.availability_zones
  single_nat_gateway = false
  kms_key_arn        = module.secrets.kms_key_arn
  tags               = local.tags
}

module "storage" {
  source                = "../../modules/storage"
  name                  = local.name
  kms_key_arn           = module.secrets.kms_key_arn
  backup_retention_days = 35
  tags                  = local.tags
}

module "database" {
  source                = "../../modules/database"
  name                  = local.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.database_subnet_ids
  allowed_cidr_blocks   = [module.network.vpc_cidr_block]
  kms_key_arn           = module.secrets.kms_key_arn
  instance_class        = "db.r7g.large"
  multi_az              = true
  backup_retention_days = 35
  deletion_protection   = true
  tags                  = local.tags
}

module "eks" {
  source              = "../../modules/eks"
  name                = local.name
  environment         = local.environment
  vpc_id              = module.network.vpc_id
  private_subnet_ids  = module.network.private_subnet_ids
  kms_key_arn         = module.secrets.kms_key_arn
  node_min_size       = 3
  node_max_size       = 12
  results_bucket_arn  = module.storage.results_bucket_arn
  backups_bucket_arn  = module.storage.backups_bucket_arn
  app_secret_arn      = module.secrets.app_secret_arn
  tags                = local.tags
}

module "registry" {
  source      = "../../modules/registry"
  kms_key_arn = module.secrets.kms_key_arn
  tags        = local.tags
}
