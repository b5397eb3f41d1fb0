output "cluster_name" {
  description = "The cluster (aws eks update-kubeconfig --name <this>)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "The Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "oidc_provider_arn" {
  description = "The IRSA identity provider."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "irsa_role_arns" {
  description = "Role ARN by purpose (app, backup, external-secrets): the overlays' eks.amazonaws.com/role-arn annotations."
  value       = { for key, role in aws_iam_role.irsa : key => role.arn }
}
