// Package deploy holds no code. Its tests check the deployment files at
// the repository root, docker-compose.yml and the Dockerfile, and the demo
// environment file beside this package (demo.env): that they parse, that
// services, ports, healthchecks, profiles and dependencies agree with each
// other, and that the commands and flags they run exist in the binaries.
package deploy
