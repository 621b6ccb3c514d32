// Package k8s holds mfbench's Kubernetes manifests (tabulate-indexed-job.yaml: the
// tabulation as an Indexed Job, one shard per completion index) and the test that
// checks them. It has no Go API; README.md, section Tabulating on a cluster, says how to
// use the files.
package k8s
