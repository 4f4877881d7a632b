//! TLS for outbound fetch: Zig's std TLS client behind a small C interface.
//!
//! The C side owns the socket, its deadlines and the choice of CA roots; this
//! file only turns bytes into a verified TLS session. Socket bytes move through
//! `transport_raw_read` and `transport_raw_write` (transport.c), so every
//! timeout is decided in one place.

const std = @import("std");
const tls = std.crypto.tls;
const Certificate = std.crypto.Certificate;
const Reader = std.Io.Reader;
const Writer = std.Io.Writer;

pub const panic = std.debug.no_panic;

const gpa = std.heap.c_allocator;
const pem_base64 = std.base64.standard.decoderWithIgnore(" \t\r\n");

extern fn transport_raw_read(transport: *anyopaque, buffer: [*]u8, len: usize) isize;
extern fn transport_raw_write(
    transport: *anyopaque,
    data: [*]const u8,
    len: usize,
) c_int;

/// The trusted CA certificates, parsed once and then only read.
const Roots = struct {
    bundle: Certificate.Bundle,
};

/// One TLS connection: the socket's reader and writer, and the client over them.
const Session = struct {
    transport: *anyopaque,
    socket_reader: Reader,
    socket_writer: Writer,
    client: tls.Client,
    problem: [200]u8,
    problem_len: usize,

    socket_read_buffer: [tls.Client.min_buffer_len]u8,
    socket_write_buffer: [tls.Client.min_buffer_len]u8,
    plain_read_buffer: [tls.Client.min_buffer_len + 8192]u8,
    plain_write_buffer: [4096]u8,
};

fn sessionOfReader(reader: *Reader) *Session {
    return @alignCast(@fieldParentPtr("socket_reader", reader));
}

fn sessionOfWriter(writer: *Writer) *Session {
    return @alignCast(@fieldParentPtr("socket_writer", writer));
}

/// Read whatever the socket has into the first free slice (or the buffer).
fn socketReadVec(reader: *Reader, data: [][]u8) Reader.Error!usize {
    const session = sessionOfReader(reader);
    var slices: [2][]u8 = undefined;
    const count, const data_size = try reader.writableVector(&slices, data);
    if (count == 0) return 0;

    const target = slices[0];
    const got = transport_raw_read(session.transport, target.ptr, target.len);
    if (got < 0) return error.ReadFailed;
    if (got == 0) return error.EndOfStream;

    const n: usize = @intCast(got);
    if (data_size == 0) {
        reader.end += n;
        return 0;
    }
    return n;
}

fn socketStream(
    reader: *Reader,
    writer: *Writer,
    limit: std.Io.Limit,
) Reader.StreamError!usize {
    const destination = limit.slice(try writer.writableSliceGreedy(1));
    var data: [1][]u8 = .{destination};
    const n = try socketReadVec(reader, &data);
    writer.advance(n);
    return n;
}

fn writeAllToSocket(session: *Session, bytes: []const u8) Writer.Error!void {
    if (bytes.len == 0) return;
    if (transport_raw_write(session.transport, bytes.ptr, bytes.len) != 0)
        return error.WriteFailed;
}

/// Send the buffered bytes, then every slice (the last one `splat` times).
fn socketDrain(
    writer: *Writer,
    data: []const []const u8,
    splat: usize,
) Writer.Error!usize {
    const session = sessionOfWriter(writer);
    try writeAllToSocket(session, writer.buffered());
    writer.end = 0;

    var sent: usize = 0;
    for (data[0 .. data.len - 1]) |bytes| {
        try writeAllToSocket(session, bytes);
        sent += bytes.len;
    }
    const last = data[data.len - 1];
    for (0..splat) |_| {
        try writeAllToSocket(session, last);
        sent += last.len;
    }
    return sent;
}

fn setProblem(session: *Session, text: []const u8) void {
    const len = @min(text.len, session.problem.len - 1);
    @memcpy(session.problem[0..len], text[0..len]);
    session.problem[len] = 0;
    session.problem_len = len;
}

/// Words a person can act on for the failures a certificate check reports.
fn describe(err: anyerror) []const u8 {
    return switch (err) {
        error.TlsCertificateNotVerified,
        error.CertificateIssuerNotFound,
        => "the server's certificate is not signed by a trusted certificate authority",
        error.CertificateHostMismatch => "the server's certificate is for another host",
        error.CertificateExpired => "the server's certificate has expired",
        error.CertificateNotYetValid => "the server's certificate is not valid yet",
        error.CertificateSignatureInvalid,
        error.SignatureVerificationFailed,
        => "a certificate signature does not verify",
        error.ReadFailed,
        error.WriteFailed,
        error.EndOfStream,
        => "the connection failed during the TLS handshake",
        error.TlsAlert => "the server refused the TLS handshake",
        else => @errorName(err),
    };
}

/// Parse the PEM certificates in `pem`; null when none of them is usable.
export fn zigttp_tls_roots_load(
    pem: [*]const u8,
    len: usize,
    now_seconds: i64,
) ?*Roots {
    const roots = gpa.create(Roots) catch return null;
    roots.* = .{ .bundle = .empty };

    const text = pem[0..len];
    const begin = "-----BEGIN CERTIFICATE-----";
    const end = "-----END CERTIFICATE-----";
    var at: usize = 0;
    while (std.mem.findPos(u8, text, at, begin)) |start| {
        const body_start = start + begin.len;
        const body_end = std.mem.findPos(u8, text, body_start, end) orelse break;
        at = body_end + end.len;
        addCertificate(roots, text[body_start..body_end], now_seconds) catch continue;
    }

    if (roots.bundle.map.count() == 0) {
        roots.bundle.deinit(gpa);
        gpa.destroy(roots);
        return null;
    }
    return roots;
}

fn addCertificate(roots: *Roots, encoded: []const u8, now_seconds: i64) !void {
    const bytes = &roots.bundle.bytes;
    try bytes.ensureUnusedCapacity(gpa, pem_base64.calcSizeUpperBound(encoded.len));
    const start: u32 = @intCast(bytes.items.len);
    const written = try pem_base64.decode(bytes.allocatedSlice()[start..], encoded);
    bytes.items.len += written;
    roots.bundle.parseCert(gpa, start, now_seconds) catch |err| {
        bytes.items.len = start;
        return err;
    };
}

export fn zigttp_tls_roots_count(roots: *const Roots) usize {
    return roots.bundle.map.count();
}

/// Handshake over `transport`, verifying the chain against `roots` and the
/// certificate against `host`. Null on failure, with the reason in `problem`.
export fn zigttp_tls_open(
    roots: *Roots,
    transport: *anyopaque,
    host: [*:0]const u8,
    now_seconds: i64,
    entropy: *const [tls.Client.Options.entropy_len]u8,
    problem: [*]u8,
    problem_size: usize,
) ?*Session {
    const session = gpa.create(Session) catch {
        copyProblem(problem, problem_size, "out of memory");
        return null;
    };
    session.transport = transport;
    session.problem_len = 0;
    session.socket_reader = .{
        .vtable = &.{ .stream = socketStream, .readVec = socketReadVec },
        .buffer = &session.socket_read_buffer,
        .seek = 0,
        .end = 0,
    };
    session.socket_writer = .{
        .vtable = &.{ .drain = socketDrain },
        .buffer = &session.socket_write_buffer,
    };

    // Each session has its own lock, so taking it never waits and never
    // needs a real Io: the shared bundle is only read after loading.
    var lock: std.Io.RwLock = .init;
    session.client = tls.Client.init(&session.socket_reader, &session.socket_writer, .{
        .host = .{ .explicit = std.mem.span(host) },
        .ca = .{ .bundle = .{
            .gpa = gpa,
            .io = std.Io.failing,
            .lock = &lock,
            .bundle = &roots.bundle,
        } },
        .read_buffer = &session.plain_read_buffer,
        .write_buffer = &session.plain_write_buffer,
        .entropy = entropy,
        .realtime_now = .fromNanoseconds(@as(i96, now_seconds) * std.time.ns_per_s),
        // HTTP framing (Content-Length, chunked) detects a cut-off body.
        .allow_truncation_attacks = true,
    }) catch |err| {
        copyProblem(problem, problem_size, describe(err));
        gpa.destroy(session);
        return null;
    };
    return session;
}

fn copyProblem(problem: [*]u8, size: usize, text: []const u8) void {
    if (size == 0) return;
    const len = @min(text.len, size - 1);
    @memcpy(problem[0..len], text[0..len]);
    problem[len] = 0;
}

/// Send all of `data`; 0 on success, -1 with the reason in the session.
export fn zigttp_tls_write(session: *Session, data: [*]const u8, len: usize) c_int {
    session.client.writer.writeAll(data[0..len]) catch |err| {
        setProblem(session, describe(err));
        return -1;
    };
    session.client.writer.flush() catch |err| {
        setProblem(session, describe(err));
        return -1;
    };
    session.socket_writer.flush() catch |err| {
        setProblem(session, describe(err));
        return -1;
    };
    return 0;
}

/// Up to `len` decrypted bytes, as soon as any arrive: the count, 0 at the
/// end of the stream, -1 on failure.
export fn zigttp_tls_read(session: *Session, buffer: [*]u8, len: usize) isize {
    const reader = &session.client.reader;
    const available = reader.peekGreedy(1) catch |err| switch (err) {
        error.EndOfStream => return 0,
        error.ReadFailed => {
            setProblem(session, readFailure(session));
            return -1;
        },
    };
    const n = @min(available.len, len);
    @memcpy(buffer[0..n], available[0..n]);
    reader.toss(n);
    return @intCast(n);
}

fn readFailure(session: *const Session) []const u8 {
    const err = session.client.read_err orelse return "the connection failed";
    return describe(err);
}

export fn zigttp_tls_problem(session: *const Session) [*:0]const u8 {
    if (session.problem_len == 0) return "the TLS connection failed";
    return @ptrCast(&session.problem);
}

export fn zigttp_tls_close(session: *Session) void {
    gpa.destroy(session);
}
