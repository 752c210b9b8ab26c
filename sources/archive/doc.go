// Package archive streams the decompressed content of an Atlas audit-log
// download.
//
// The Atlas API answers with a gzip body whose exact shape is not
// documented, so Reader accepts every shape seen or announced: one gzip
// member, several concatenated members, the 23-byte empty member and a
// 0-byte body (both mean "no lines"), and a tar archive inside the gzip
// (its regular files are concatenated, each ending on a line boundary).
//
// Reader never holds the body in memory and never turns a damaged body into
// a clean end of stream: a body cut short or corrupt fails the read with an
// error wrapping ErrCorrupt (and io.ErrUnexpectedEOF for a cut body). Those
// errors are not pipeline.Permanent: fetching the window again may give a
// whole body. Splitting the content into lines is left to the caller.
package archive
