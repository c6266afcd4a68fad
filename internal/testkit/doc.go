// Package testkit holds what tests use and the product does not: the fake
// Telegram Bot API (tgfake), a conversation core on a fresh miniredis
// (testcore), golden files with one -update flag (golden) and a headless
// Chromium for browser tests (browsertest). Production helpers stay in
// internal/ beside it (yamlcheck, tglimit), so that what ships and what
// only tests are told apart at a glance.
package testkit
