using System.Runtime.CompilerServices;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Communique.Rendering;

// Rewrites a parsed template for the sandbox, once, at compile time:
// - ranges and captures become the bounded versions below (Fluid materialises a range as an
//   array before any loop limit applies, and captures into its own unbounded buffer);
// - `{{ field }}` without filters knows its schema path, so field formats can apply;
// - an unknown filter is reported (Fluid would pass the value through silently);
// - depth is bounded, so rendering cannot exhaust the stack.
internal sealed class SandboxRewriter(FilterCollection filters) : AstRewriter
{
    private const int MaxDepth = 1024;

    // Loop variable → the field path it iterates (null when it iterates something else).
    private readonly List<(string Variable, string? Path)> _loops = [];
    private int _depth;

    public string? UnknownFilter { get; private set; }

    public override Statement Visit(Statement statement)
    {
        Enter();
        try
        {
            return base.Visit(statement);
        }
        finally
        {
            _depth--;
        }
    }

    public override Expression Visit(Expression expression)
    {
        Enter();
        try
        {
            return base.Visit(expression);
        }
        finally
        {
            _depth--;
        }
    }

    protected override Expression VisitFilterExpression(FilterExpression filterExpression)
    {
        if (UnknownFilter is null && !filters.TryGetValue(filterExpression.Name, out _))
        {
            UnknownFilter = filterExpression.Name;
        }
        return base.VisitFilterExpression(filterExpression);
    }

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
    {
        var range = (RangeExpression)base.VisitRangeExpression(rangeExpression);
        return new BoundedRangeExpression(range.From, range.To);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        var capture = (CaptureStatement)base.VisitCaptureStatement(captureStatement);
        return new BoundedCaptureStatement(capture.Identifier, capture.Statements);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        _loops.Add((forStatement.Identifier, PathOf(forStatement.Source)));
        try
        {
            return base.VisitForStatement(forStatement);
        }
        finally
        {
            _loops.RemoveAt(_loops.Count - 1);
        }
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        _loops.Add((tableRowStatement.Identifier, PathOf(tableRowStatement.Source)));
        try
        {
            return base.VisitTableRowStatement(tableRowStatement);
        }
        finally
        {
            _loops.RemoveAt(_loops.Count - 1);
        }
    }

    protected override Statement VisitOutputStatement(OutputStatement outputStatement)
    {
        var output = base.VisitOutputStatement(outputStatement);
        return output is OutputStatement { Expression: MemberExpression member } plain && PathOf(member) is { } path
            ? new FieldOutputStatement(plain, path)
            : output;
    }

    private void Enter()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (++_depth > MaxDepth)
        {
            throw new InsufficientExecutionStackException();
        }
    }

    // `item.price` inside `{% for item in items %}` is the schema's "items.price";
    // `items[0].price` is too. Null when the expression is not a field of the record.
    private string? PathOf(Expression expression)
    {
        if (expression is not MemberExpression { Segments: [IdentifierSegment root, ..] segments })
        {
            return null;
        }
        var path = root.Identifier;
        for (var i = _loops.Count - 1; i >= 0; i--)
        {
            if (_loops[i].Variable == root.Identifier)
            {
                if (_loops[i].Path is not { } loopPath)
                {
                    return null;
                }
                path = loopPath;
                break;
            }
        }
        foreach (var segment in segments.Skip(1))
        {
            switch (segment)
            {
                case IdentifierSegment field:
                    path = $"{path}.{field.Identifier}";
                    break;
                case IndexerSegment { Expression: LiteralExpression { Value.Type: FluidValues.Number } }:
                    break;
                default:
                    return null;
            }
        }
        return path;
    }
}
