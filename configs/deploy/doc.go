// Package deploy holds no code. Its tests check the deployment files at
// the repository root, docker-compose.yml and the Dockerfile, and the demo
// environment file beside this package (demo.env): that docker-compose.yml
// loads as docker compose loads it (the Compose specification's schema,
// interpolation, consistency; with compose-go, the library the docker
// compose CLI is built on, so no Docker is needed), that services, ports, healthchecks, profiles and dependencies agree with each
// other, and that the commands and flags they run exist in the binaries.
package deploy
