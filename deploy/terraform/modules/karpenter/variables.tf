variable "cluster_name" {
  description = "The EKS cluster Karpenter adds nodes to (also the karpenter.sh/discovery tag of its subnets and security group)."
  type        = string
}

variable "cluster_security_group_id" {
  description = "The cluster's security group, tagged for Karpenter's EC2NodeClass to find."
  type        = string
}

variable "oidc_provider_arn" {
  description = "The cluster's IRSA identity provider (the eks module's oidc_provider_arn)."
  type        = string
}

variable "node_role_arn" {
  description = "The role of the nodes Karpenter launches (the managed node group's, already admitted to the cluster)."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
