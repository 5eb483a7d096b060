using System.Globalization;
using System.Text;

namespace Communique.Rendering;

// Collects rendered text and stops the render at the output limit. The async overloads
// complete synchronously: TextWriter's defaults would queue each write to the thread pool.
internal sealed class BoundedWriter(RenderContext context, int capacity) : TextWriter(CultureInfo.InvariantCulture)
{
    private readonly StringBuilder _text = new(capacity);

    public override Encoding Encoding => Encoding.Unicode;

    public override void Write(char value)
    {
        Reserve(1);
        _text.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is not null)
        {
            Reserve(value.Length);
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Reserve(count);
        _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Reserve(buffer.Length);
        _text.Append(buffer);
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;

    public override string ToString() => _text.ToString();

    private void Reserve(int count)
    {
        context.Checkpoint();
        if (_text.Length + count > context.RenderOptions.MaxOutputChars)
        {
            throw RenderAbortedException.OutputLimit(context.RenderOptions.MaxOutputChars);
        }
    }
}
