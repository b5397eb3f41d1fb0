# State in S3, encrypted, with S3's native lock file (Terraform 1.10+). The state bucket is made
# once by hand (docs/deploy.md, "AWS from zero"), versioned and private.
terraform {
  backend "s3" {
    bucket       = "zixly-terraform-state"
    key          = "staging/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
