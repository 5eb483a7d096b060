using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Communique.Tests.Infrastructure;

// Counts how many bytes of each request body the program pulled from the server, measured in front of the program's
// whole pipeline (the in-process server accepts and drops whatever a client still sends after the response, so the
// client's side cannot tell what was read).
public sealed class BodyMeter : IStartupFilter
{
    private long _largest;

    public long LargestRead => Interlocked.Read(ref _largest);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var meter = new Counting(context.Request.Body);
            context.Request.Body = meter;
            try
            {
                await following(context);
            }
            finally
            {
                var read = meter.Pulled;
                for (var seen = LargestRead; read > seen; seen = LargestRead)
                {
                    Interlocked.CompareExchange(ref _largest, read, seen);
                }
            }
        });
        next(app);
    };

    private sealed class Counting(Stream inner) : Stream
    {
        public long Pulled { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Pulled += read;
            return read;
        }

        public override Task<int> ReadAsync(
            byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Pulled += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

// A request body of the given size sent chunked: no Content-Length tells the server how large it is.
public sealed class ChunkedBody(long size) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        for (var sent = 0L; sent < size; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - sent)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
