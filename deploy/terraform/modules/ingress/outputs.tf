output "certificate_arn" {
  description = "The ACM certificate of domain_name: the Ingress's alb.ingress.kubernetes.io/certificate-arn."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "web_acl_arn" {
  description = "The WAF web ACL in front of the ALB: the Ingress's alb.ingress.kubernetes.io/wafv2-acl-arn."
  value       = aws_wafv2_web_acl.this.arn
}

output "load_balancer_controller_role_arn" {
  description = "The AWS Load Balancer Controller's IRSA role: its kube-system/aws-load-balancer-controller service account's eks.amazonaws.com/role-arn."
  value       = module.load_balancer_controller_role.arn
}
