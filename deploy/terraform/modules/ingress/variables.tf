variable "name" {
  description = "The environment's name prefix, e.g. zixly-production."
  type        = string
}

variable "domain_name" {
  description = "The public host of the dashboard, API and webhooks (the Ingress's host)."
  type        = string
}

variable "dns_zone_id" {
  description = "The Route 53 hosted zone of domain_name, where the certificate's DNS validation records go."
  type        = string
}

variable "oidc_provider_arn" {
  description = "The cluster's IRSA identity provider (the eks module's oidc_provider_arn)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the WAF log group."
  type        = string
}

variable "rate_limit_per_ip" {
  description = "Requests one address may send in 5 minutes before the WAF blocks it (Zixly's own limits refuse sooner per key)."
  type        = number
  default     = 3000
}

variable "log_retention_days" {
  description = "Days the WAF's request log is kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
