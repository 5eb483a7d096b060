using System.Globalization;
using Communique.Chat.Expressions;

namespace Communique.Tests.Chat;

// The chat flows' expression language: what each construct computes, what the parser refuses and where, and that
// each limit turns hostile input into a cheap error instead of a stack overflow, a loop or a huge allocation.
public sealed class ExpressionTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static object? Evaluate(string source, Scope? scope = null)
    {
        Assert.True(ChatExpression.TryParse(source, out var expression, out var error), error);
        return expression.Evaluate(scope ?? new Scope());
    }

    // How a value shows in the theories: strings quoted, so that "7" and 7 differ, and null spelt out.
    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => ChatExpression.Text(value),
    };

    private static string Refused(string source)
    {
        Assert.False(ChatExpression.TryParse(source, out var expression, out var error));
        Assert.Null(expression);
        return error;
    }

    private static string Fails(string source, Scope? scope = null) =>
        Assert.Throws<ExpressionException>(() => Evaluate(source, scope)).Message;

    private static ChatText Text(string source)
    {
        Assert.True(ChatText.TryParse(source, out var text, out var error), error);
        return text;
    }

    private static string TextRefused(string source)
    {
        Assert.False(ChatText.TryParse(source, out var text, out var error));
        Assert.Null(text);
        return error;
    }

    private static string Sum(int terms) => string.Join('+', Enumerable.Repeat("1", terms));

    [Theory]
    [InlineData("12", "12")]
    [InlineData("3.5", "3.5")]
    [InlineData("0.25", "0.25")]
    [InlineData("'single'", "\"single\"")]
    [InlineData("\"double\"", "\"double\"")]
    [InlineData(@"'it\'s'", "\"it's\"")]
    [InlineData(@"""say \""hi\""""", "\"say \"hi\"\"")]
    [InlineData(@"'a\\b'", "\"a\\b\"")]
    [InlineData("'\"'", "\"\"\"")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "null")]
    [InlineData("  \n 12 \t", "12")]
    public void Literals_evaluate_to_themselves(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Fact]
    public void Numbers_are_decimals_and_strings_may_hold_newlines()
    {
        Assert.Equal(3.5m, Evaluate("3.5"));
        Assert.Equal(0.3m, Evaluate("0.1 + 0.2"));
        Assert.Equal("one\ntwo", Evaluate(@"'one\ntwo'"));
    }

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("12 / 4 / 3", "1")]
    [InlineData("10 / 4", "2.5")]
    [InlineData("7 % 3", "1")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("7.5 % 2", "1.5")]
    [InlineData("-(2 + 3)", "-5")]
    [InlineData("- -2", "2")]
    [InlineData("2 * -3", "-6")]
    [InlineData("1.50 * 2", "3")]
    [InlineData("0 * -1", "0")]
    [InlineData("-0", "0")]
    [InlineData("'a' + 'b'", "\"ab\"")]
    [InlineData("'a' + 1.50", "\"a1.5\"")]
    [InlineData("1 + 'a'", "\"1a\"")]
    [InlineData("'x' + true", "\"xtrue\"")]
    [InlineData("'x' + null", "\"x\"")]
    [InlineData("1 + 2 + 'a'", "\"3a\"")]
    [InlineData("'a' + 1 + 2", "\"a12\"")]
    public void Arithmetic_follows_the_usual_precedence_and_plus_joins_text(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Theory]
    [InlineData("1 == 1.0", true)]
    [InlineData("0.5 == 0.50", true)]
    [InlineData("'1' == 1", false)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == 'A'", false)]
    [InlineData("'a' != 'A'", true)]
    [InlineData("null == null", true)]
    [InlineData("null == ''", false)]
    [InlineData("null == 0", false)]
    [InlineData("0 == false", false)]
    [InlineData("true == true", true)]
    [InlineData("true != false", true)]
    [InlineData("context.unset == null", true)]
    [InlineData("1 < 2", true)]
    [InlineData("2 < 2", false)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 2.5", true)]
    [InlineData("2 >= 3", false)]
    [InlineData("-1 < 0", true)]
    [InlineData("'a' < 'b'", true)]
    [InlineData("'B' < 'a'", true)]
    [InlineData("'abc' >= 'abd'", false)]
    [InlineData("'10' < '9'", true)]
    [InlineData("1 + 1 == 2 && 'a' < 'b'", true)]
    [InlineData("1 < 2 == true", true)]
    public void Comparisons_are_numeric_for_numbers_ordinal_for_text_and_false_across_kinds(
        string source, bool expected) =>
        Assert.Equal(expected, Evaluate(source));

    [Theory]
    [InlineData("true && true", true)]
    [InlineData("true && false", false)]
    [InlineData("false || true", true)]
    [InlineData("false || false", false)]
    [InlineData("1 && 'x'", true)]
    [InlineData("0 || ''", false)]
    [InlineData("!true", false)]
    [InlineData("!0", true)]
    [InlineData("!'x'", false)]
    [InlineData("!!'x'", true)]
    [InlineData("!null", true)]
    [InlineData("true || false && false", true)]
    [InlineData("!false && false", false)]
    public void Logic_operators_take_truthiness_and_give_a_bool(string source, bool expected) =>
        Assert.Equal(expected, Evaluate(source));

    [Fact]
    public void And_and_or_skip_the_right_side_when_the_left_decides()
    {
        Assert.Equal(false, Evaluate("false && 1 / 0"));
        Assert.Equal(true, Evaluate("true || 1 / 0"));
        Assert.Contains("division by zero", Fails("true && 1 / 0"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true ? 'yes' : 'no'", "\"yes\"")]
    [InlineData("0 ? 'yes' : 'no'", "\"no\"")]
    [InlineData("1 > 2 ? 'a' : 2 > 1 ? 'b' : 'c'", "\"b\"")]
    [InlineData("true ? false ? 1 : 2 : 3", "2")]
    [InlineData("1 + 1 == 2 ? 10 : 20", "10")]
    [InlineData("context.vip ? 'VIP' : 'guest'", "\"guest\"")]
    [InlineData("true ? 1 : 1 / 0", "1")]
    [InlineData("false ? 1 / 0 : null", "null")]
    public void The_conditional_evaluates_only_the_branch_it_takes(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Theory]
    [InlineData("false", false)]
    [InlineData("null", false)]
    [InlineData("''", false)]
    [InlineData("0", false)]
    [InlineData("0.00", false)]
    [InlineData("-0", false)]
    [InlineData("context.unset", false)]
    [InlineData("true", true)]
    [InlineData("'0'", true)]
    [InlineData("'false'", true)]
    [InlineData("' '", true)]
    [InlineData("1", true)]
    [InlineData("-0.001", true)]
    public void Truthiness_counts_false_null_empty_text_and_zero_as_false(string source, bool expected)
    {
        Assert.True(ChatExpression.TryParse(source, out var expression, out var error), error);
        Assert.Equal(expected, expression.IsTrue(new Scope()));
    }

    [Fact]
    public void Variables_are_read_by_their_full_dotted_name()
    {
        var scope = new Scope { ["context.order_id"] = "A-17", ["user.firstName"] = "Ada", ["context._n2"] = 2m };

        Assert.Equal("A-17 Ada 4", Evaluate("context.order_id + ' ' + user.firstName + ' ' + context._n2 * 2", scope));
        Assert.Equal(["context.order_id", "user.firstName", "context._n2"], scope.Asked);
    }

    [Fact]
    public void An_unset_variable_is_null()
    {
        Assert.Null(Evaluate("context.missing"));
        Assert.Equal(true, Evaluate("isEmpty(user.deep.missing.name)"));
        Assert.Equal(true, Evaluate("context.a == context.b", new Scope { ["context.a"] = null }));
    }

    [Fact]
    public void Variables_lists_each_name_once_in_the_order_it_first_appears()
    {
        Assert.True(ChatExpression.TryParse(
            "context.a + user.b + context.a + upper(context.c) + (context.b ? user.b : context.d)",
            out var expression, out var error), error);

        Assert.Equal(["context.a", "user.b", "context.c", "context.b", "context.d"], expression.Variables);
    }

    [Fact]
    public void An_expression_without_variables_lists_none()
    {
        Assert.True(ChatExpression.TryParse("upper('a') + now()", out var expression, out var error), error);

        Assert.Empty(expression.Variables);
    }

    [Fact]
    public void A_variable_holding_a_type_outside_the_language_is_an_error_naming_it()
    {
        var message = Fails("1 + context.count", new Scope { ["context.count"] = 3 });

        Assert.Contains("at 5:", message, StringComparison.Ordinal);
        Assert.Contains("context.count", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order.id", "at 1: unknown name 'order'")]
    [InlineData("1 + contexts.name", "at 5: unknown name 'contexts'")]
    [InlineData("Context.name", "at 1: unknown name 'Context'")]
    [InlineData("name", "at 1: unknown name 'name'")]
    [InlineData("upper", "at 1: unknown name 'upper'; upper is a function")]
    [InlineData("context", "at 1: 'context' needs a variable name after it")]
    [InlineData("  user", "at 3: 'user' needs a variable name after it")]
    [InlineData("context.1st", "at 9: expected a name part")]
    [InlineData("context.", "at 9: expected a name part")]
    [InlineData("context..a", "at 9: expected a name part")]
    [InlineData("context.a_b.C9", null)]
    public void A_variable_must_start_with_context_or_user_and_have_proper_parts(string source, string? error)
    {
        if (error is null)
        {
            Assert.True(ChatExpression.TryParse(source, out _, out var unexpected), unexpected);
        }
        else
        {
            Assert.StartsWith(error, Refused(source), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "at 1: expected a value, found the end of the expression")]
    [InlineData("   ", "at 4: expected a value, found the end of the expression")]
    [InlineData("1 +", "at 4: expected a value, found the end of the expression")]
    [InlineData("1 2", "at 3: expected an operator or the end of the expression, found '2'")]
    [InlineData("1 + 'a' 'b'", "at 9: expected an operator or the end of the expression, found a string")]
    [InlineData("(1 + 2", "at 7: expected ')' for the '(' at 1, found the end of the expression")]
    [InlineData("1 + 2)", "at 6: expected an operator or the end of the expression, found ')'")]
    [InlineData("* 2", "at 1: expected a value, found '*'")]
    [InlineData("true ? 1", "at 9: expected ':' for the '?' at 6")]
    [InlineData("1 = 2", "at 3: unexpected character '='; compare with '=='")]
    [InlineData("a & b", "at 3: unexpected character '&'; use '&&'")]
    [InlineData("1 | 2", "at 3: unexpected character '|'; use '||'")]
    [InlineData("1 # 2", "at 3: unexpected character '#'")]
    [InlineData("{{ 1 }}", "at 1: unexpected character '{'")]
    [InlineData("'abc", "at 1: the string is not closed with '")]
    [InlineData("1 + \"abc", "at 5: the string is not closed with \"")]
    [InlineData(@"'a\tb'", "at 3: unknown escape")]
    [InlineData("12abc", "at 3: unexpected 'a' after the number 12")]
    [InlineData("12.", "at 3: unexpected '.' after the number 12")]
    [InlineData("1.2.3", "at 4: unexpected '.' after the number 1.2")]
    [InlineData("79228162514264337593543950336", "at 1: the number 79228162514264337593543950336 is too large")]
    [InlineData("upper('a',)", "at 11: expected a value, found ')'")]
    [InlineData("upper('a' 'b')", "at 11: expected ',' or ')' for the call of upper at 1")]
    public void A_syntax_error_names_its_position(string source, string error) =>
        Assert.StartsWith(error, Refused(source), StringComparison.Ordinal);

    [Fact]
    public void Positions_count_characters_across_lines()
    {
        Assert.StartsWith("at 11: unknown name 'x'", Refused("1 +\n  2 +\nx.y"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo(1)", "at 1: unknown function 'foo'")]
    [InlineData("1 + Upper('a')", "at 5: unknown function 'Upper'")]
    [InlineData("context.name('a')", "at 1: unknown function 'context.name'")]
    [InlineData("upper()", "at 1: upper takes 1 argument, not 0")]
    [InlineData("upper('a', 'b')", "at 1: upper takes 1 argument, not 2")]
    [InlineData("replace('a', 'b')", "at 1: replace takes 3 arguments, not 2")]
    [InlineData("x() + round(1, 2, 3)", "at 1: unknown function 'x'")]
    [InlineData("1 + round(1, 2, 3)", "at 5: round takes 1 or 2 arguments, not 3")]
    [InlineData("substring('a')", "at 1: substring takes 2 or 3 arguments, not 1")]
    [InlineData("history(1)", "at 1: history takes 0 arguments, not 1")]
    [InlineData("now(", "at 5: expected a value, found the end of the expression")]
    public void Unknown_functions_and_wrong_argument_counts_are_syntax_errors(string source, string error) =>
        Assert.StartsWith(error, Refused(source), StringComparison.Ordinal);

    [Theory]
    [InlineData("'a' * 2", "at 5: '*' needs two numbers, not text and number")]
    [InlineData("2 - 'a'", "at 3: '-' needs two numbers, not number and text")]
    [InlineData("true + 1", "at 6: '+' needs two numbers or text, not true/false and number")]
    [InlineData("context.unset + 1", "at 15: '+' needs two numbers or text, not null and number")]
    [InlineData("-'a'", "at 1: '-' needs a number, not text")]
    [InlineData("1 < 'a'", "at 3: '<' compares two numbers or two texts, not number and text")]
    [InlineData("null >= null", "at 6: '>=' compares two numbers or two texts, not null and null")]
    [InlineData("true > false", "at 6: '>' compares two numbers or two texts, not true/false and true/false")]
    [InlineData("1 / 0", "at 3: division by zero")]
    [InlineData("1 % 0.0", "at 3: division by zero")]
    [InlineData("round('a')", "at 1: round: argument 1 must be a number, not text")]
    [InlineData("round(1, '2')", "at 1: round: argument 2 must be a number, not text")]
    [InlineData("substring('abc', null)", "at 1: substring: argument 2 must be a number, not null")]
    [InlineData("min(1, '2')", "at 1: min: argument 2 must be a number, not text")]
    [InlineData("max(true, 2)", "at 1: max: argument 1 must be a number, not true/false")]
    [InlineData("abs('-1')", "at 1: abs: argument 1 must be a number, not text")]
    public void Type_errors_and_division_by_zero_throw_with_a_clear_message(string source, string error) =>
        Assert.Equal(error, Fails(source));

    [Theory]
    [InlineData("79228162514264337593543950335 * 2")]
    [InlineData("79228162514264337593543950335 + 1")]
    [InlineData("-79228162514264337593543950335 - 1")]
    [InlineData("79228162514264337593543950335 / 0.5")]
    public void Decimal_overflow_is_an_expression_error(string source) =>
        Assert.Contains("is too large for a number", Fails(source), StringComparison.Ordinal);

    [Theory]
    [InlineData("properCase('hELLO wORLD')", "Hello World")]
    [InlineData("properCase('  ada   lovelace ')", "  Ada   Lovelace ")]
    [InlineData("properCase('jean-luc picard')", "Jean-Luc Picard")]
    [InlineData("properCase(\"o'neil's 3rd\")", "O'neil's 3rd")]
    [InlineData("properCase('ÉCOLE élève')", "École Élève")]
    [InlineData("properCase('')", "")]
    [InlineData("properCase(null)", "")]
    public void Proper_case_capitalises_each_word(string source, string expected) =>
        Assert.Equal(expected, Evaluate(source));

    [Fact]
    public void Case_functions_ignore_the_current_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR");
        try
        {
            Assert.Equal("Istanbul Izmir", Evaluate("properCase('istanbul IZMIR')"));
            Assert.Equal("I", Evaluate("upper('i')"));
            Assert.Equal("i", Evaluate("lower('I')"));
            Assert.Equal("12.5", Evaluate("text(12.5)"));
            Assert.Equal(0.5m, Evaluate("number('0.5')"));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("upper('Hello')", "\"HELLO\"")]
    [InlineData("lower('Hello')", "\"hello\"")]
    [InlineData("upper(12.5)", "\"12.5\"")]
    [InlineData("trim('  a b \n')", "\"a b\"")]
    [InlineData("trim(null)", "\"\"")]
    [InlineData("length('héllo')", "5")]
    [InlineData("length(null)", "0")]
    [InlineData("length(123)", "3")]
    [InlineData("length(true)", "4")]
    [InlineData("contains('Hello', 'ell')", "true")]
    [InlineData("contains('Hello', 'ELL')", "false")]
    [InlineData("contains('Hello', '')", "true")]
    [InlineData("startsWith('Hello', 'He')", "true")]
    [InlineData("startsWith('Hello', 'he')", "false")]
    [InlineData("endsWith('Hello', 'lo')", "true")]
    [InlineData("endsWith('Hello', 'l')", "false")]
    [InlineData("endsWith(100, 0)", "true")]
    [InlineData("replace('a-b-c', '-', ' + ')", "\"a + b + c\"")]
    [InlineData("replace('aaa', 'aa', 'b')", "\"ba\"")]
    [InlineData("replace('Abc', 'a', 'x')", "\"Abc\"")]
    [InlineData("replace('abc', '', 'x')", "\"abc\"")]
    [InlineData("replace('abc', 'b', '')", "\"ac\"")]
    [InlineData("text(12.50)", "\"12.5\"")]
    [InlineData("text(true)", "\"true\"")]
    [InlineData("text(null)", "\"\"")]
    [InlineData("text('a')", "\"a\"")]
    public void Text_functions_work_on_any_value_as_it_prints(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Theory]
    [InlineData("substring('hello', 1)", "ello")]
    [InlineData("substring('hello', 1, 3)", "ell")]
    [InlineData("substring('hello', 0, 0)", "")]
    [InlineData("substring('hello', -5, 2)", "he")]
    [InlineData("substring('hello', 10)", "")]
    [InlineData("substring('hello', 5)", "")]
    [InlineData("substring('hello', 2, 100)", "llo")]
    [InlineData("substring('hello', 1, -1)", "")]
    [InlineData("substring('hello', 1.9, 2.9)", "el")]
    [InlineData("substring('hello', 99999999999999999999)", "")]
    [InlineData("substring('hello', -99999999999999999999, 99999999999999999999)", "hello")]
    [InlineData("substring(12345, 1, 2)", "23")]
    public void Substring_clamps_its_range_instead_of_throwing(string source, string expected) =>
        Assert.Equal(expected, Evaluate(source));

    [Theory]
    [InlineData("number('12.5')", "12.5")]
    [InlineData("number(' -3 ')", "-3")]
    [InlineData("number('+4')", "4")]
    [InlineData("number(7)", "7")]
    [InlineData("number('1,5')", "null")]
    [InlineData("number('1,000')", "null")]
    [InlineData("number('1e3')", "null")]
    [InlineData("number('abc')", "null")]
    [InlineData("number('')", "null")]
    [InlineData("number(true)", "null")]
    [InlineData("number(null)", "null")]
    [InlineData("number('79228162514264337593543950336')", "null")]
    [InlineData("number('2') + 1", "3")]
    [InlineData("round(2.5)", "3")]
    [InlineData("round(-2.5)", "-3")]
    [InlineData("round(2.4)", "2")]
    [InlineData("round(3.14159, 2)", "3.14")]
    [InlineData("round(2.345, 2)", "2.35")]
    [InlineData("round(1.5, -1)", "2")]
    [InlineData("round(1.25, 99)", "1.25")]
    [InlineData("min(3, 5)", "3")]
    [InlineData("min(-3, -5)", "-5")]
    [InlineData("max(3, 5.5)", "5.5")]
    [InlineData("abs(-4.5)", "4.5")]
    [InlineData("abs(4)", "4")]
    public void Number_functions_parse_round_and_compare(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Theory]
    [InlineData("isEmpty(null)", "true")]
    [InlineData("isEmpty('')", "true")]
    [InlineData("isEmpty(context.unset)", "true")]
    [InlineData("isEmpty(' ')", "false")]
    [InlineData("isEmpty(0)", "false")]
    [InlineData("isEmpty(false)", "false")]
    [InlineData("coalesce(context.unset, 'friend')", "\"friend\"")]
    [InlineData("coalesce('', 'friend')", "\"friend\"")]
    [InlineData("coalesce('Ada', 'friend')", "\"Ada\"")]
    [InlineData("coalesce(0, 1)", "0")]
    [InlineData("coalesce(null, null)", "null")]
    public void Is_empty_and_coalesce_treat_null_and_empty_text_alike(string source, string expected) =>
        Assert.Equal(expected, Show(Evaluate(source)));

    [Fact]
    public void History_functions_return_the_scope_conversation()
    {
        var scope = new Scope { Text = "Bot: Hi\nYou: <b>hey</b>", Html = "<p>Bot: Hi</p><p>You: &lt;b&gt;hey</p>" };

        Assert.Equal(scope.Text, Evaluate("history()", scope));
        Assert.Equal(scope.Html, Evaluate("historyHtml()", scope));
        Assert.Equal(true, Evaluate("contains(history(), 'hey')", scope));
    }

    [Fact]
    public void Now_is_iso_8601_utc_and_today_is_the_date_at_the_scope_offset()
    {
        var evening = new Scope { Now = new DateTimeOffset(2025, 3, 1, 23, 30, 15, TimeSpan.FromHours(2)) };
        var morning = new Scope { Now = new DateTimeOffset(2025, 3, 2, 0, 30, 0, TimeSpan.FromHours(-5)) };

        Assert.Equal("2025-03-01T21:30:15Z", Evaluate("now()", evening));
        Assert.Equal("2025-03-01", Evaluate("today()", evening));
        Assert.Equal("2025-03-02T05:30:00Z", Evaluate("now()", morning));
        Assert.Equal("2025-03-02", Evaluate("today()", morning));
        Assert.Equal("2025-03-01T12:00:00Z", Evaluate("now()"));
    }

    [Fact]
    public void Functions_nest_and_take_expressions()
    {
        var scope = new Scope { ["context.name"] = "  aDA lovelace ", ["context.total"] = 12.345m };

        Assert.Equal(
            "Hello Ada Lovelace, you owe 12.35 (3 items)",
            Evaluate("'Hello ' + properCase(trim(context.name)) + ', you owe ' + round(context.total, 2)"
                + " + ' (' + max(1, length('abc')) + ' items)'", scope));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("text", "text")]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public void Text_prints_null_text_and_bools(object? value, string expected) =>
        Assert.Equal(expected, ChatExpression.Text(value));

    [Fact]
    public void Text_prints_decimals_invariantly_without_trailing_zeros_or_exponents()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("12.5", ChatExpression.Text(12.5m));
            Assert.Equal("7", ChatExpression.Text(7.00m));
            Assert.Equal("-0.5", ChatExpression.Text(-0.50m));
            Assert.Equal("0", ChatExpression.Text(0.000m));
            Assert.Equal("0.0000001", ChatExpression.Text(0.0000001m));
            Assert.Equal("1234567.891", ChatExpression.Text(1234567.891m));
            Assert.Equal("79228162514264337593543950335", ChatExpression.Text(decimal.MaxValue));
            Assert.Equal("0.0000000000000000000000000001", ChatExpression.Text(0.0000000000000000000000000001m));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Text_refuses_a_value_outside_the_language() =>
        Assert.Throws<ArgumentException>(() => ChatExpression.Text(12));

    [Fact]
    public void A_source_over_the_limit_is_refused()
    {
        var longest = "'" + new string('a', ChatExpression.MaxSourceChars - 2) + "'";
        Assert.Equal(new string('a', ChatExpression.MaxSourceChars - 2), Evaluate(longest));

        Assert.StartsWith(
            "at 2001: the expression is longer than the limit of 2000 characters", Refused(longest + " "),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_64_levels_parses_and_deeper_is_refused_at_the_level_too_deep()
    {
        Assert.Equal(1m, Evaluate(new string('(', 64) + "1" + new string(')', 64)));

        Assert.StartsWith(
            "at 65: the expression is nested deeper than the limit of 64",
            Refused(new string('(', 65) + "1" + new string(')', 65)), StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_of_every_kind_is_refused_without_overflowing_the_stack()
    {
        string[] sources =
        [
            new string('(', 10_000),
            new string('(', 10_000) + "1" + new string(')', 10_000),
            new string('(', 990) + "1" + new string(')', 990),
            new string('!', 1999) + "1",
            new string('-', 1999) + "1",
            string.Concat(Enumerable.Repeat("abs(", 300)) + "1" + new string(')', 300),
            string.Concat(Enumerable.Repeat("1?", 999)) + "1",
            string.Concat(Enumerable.Repeat("1?1:", 499)) + "1",
        ];
        foreach (var source in sources)
        {
            AssertTooDeepOrLong(Refused(source));
            AssertTooDeepOrLong(TextRefused("{{ " + source + " }}"));
        }

        static void AssertTooDeepOrLong(string error) => Assert.True(
            error.Contains("nested deeper than the limit of 64", StringComparison.Ordinal)
            || error.Contains("longer than the limit of 2000", StringComparison.Ordinal), error);
    }

    [Fact]
    public void A_long_chain_of_operators_is_not_nesting()
    {
        Assert.Equal(1000m, Evaluate(Sum(1000)));
        Assert.Equal(true, Evaluate(string.Join(" && ", Enumerable.Repeat("1", 400))));
    }

    [Fact]
    public void An_evaluation_stops_after_10000_steps()
    {
        // Within one expression the source limit keeps the steps far below the limit; a text's parts share it.
        var part = "{{ " + Sum(60) + " }}";
        var text = Text(string.Concat(Enumerable.Repeat(part, 100)));

        var message = Assert.Throws<ExpressionException>(() => text.Render(new Scope())).Message;

        Assert.Contains("more than the limit of 10000 steps", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_are_counted_per_render_not_per_text()
    {
        var text = Text(string.Concat(Enumerable.Repeat("{{ " + Sum(40) + " }}", 100)));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(string.Concat(Enumerable.Repeat("40", 100)), text.Render(new Scope()));
        }
    }

    [Fact]
    public void A_replace_that_would_blow_a_string_up_stops_before_building_it()
    {
        var ten = "'aaaaaaaaaa'";
        var source = "'aaaaaaaaaa'";
        for (var i = 0; i < 3; i++)
        {
            source = $"replace({source}, 'a', {ten})";
        }
        Assert.Equal(10_000, ((string)Evaluate(source)!).Length);

        var message = Fails($"replace({source}, 'a', {ten})");

        Assert.Equal("at 1: replace: the text would be longer than the limit of 65536 characters", message);
    }

    [Fact]
    public void Joining_text_over_the_limit_is_an_error()
    {
        var scope = new Scope { ["context.s"] = new string('x', 40_000) };

        Assert.Equal(65_536, ((string)Evaluate("context.s + substring(context.s, 0, 25536)", scope)!).Length);
        Assert.Equal(
            "at 11: the text would be longer than the limit of 65536 characters",
            Fails("context.s + context.s", scope));
    }

    [Fact]
    public void Values_from_the_scope_over_the_string_limit_are_refused()
    {
        var scope = new Scope { ["context.s"] = new string('x', 70_000), Text = new string('y', 70_000) };

        Assert.Contains("65536 characters", Fails("length(context.s)", scope), StringComparison.Ordinal);
        Assert.Contains("65536 characters", Fails("length(history())", scope), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expression_is_reusable_and_thread_safe()
    {
        Assert.True(ChatExpression.TryParse(
            "context.n * 2 + length(properCase(user.name))", out var expression, out var error), error);

        Parallel.For(0, 200, i =>
        {
            var scope = new Scope { ["context.n"] = (decimal)i, ["user.name"] = new string('a', i % 7) };
            Assert.Equal((decimal)(i * 2 + i % 7), expression.Evaluate(scope));
        });
    }

    [Fact]
    public void A_text_renders_literals_and_parts()
    {
        var scope = new Scope { ["context.name"] = "ada", ["context.total"] = 12.50m, ["context.vip"] = true };
        var text = Text("Hello {{ properCase(context.name) }}! You owe {{context.total}}.{{ context.vip }}");

        Assert.Equal("Hello Ada! You owe 12.5.true", text.Render(scope));
        Assert.Equal("Hi , ", Text("Hi {{ context.none }}, {{ null }}").Render(scope));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("a { b } c }} d {")]
    [InlineData("{ {")]
    public void Text_without_parts_renders_as_it_is(string source) =>
        Assert.Equal(source, Text(source).Render(new Scope()));

    [Fact]
    public void Closing_braces_inside_a_string_do_not_close_the_part()
    {
        Assert.Equal("}}x|'}}'", Text(@"{{ ""}}"" + 'x' }}|{{ '\'}}\'' }}").Render(new Scope()));
        Assert.Equal("{{1}}", Text("{{ '{{' }}{{ 1 }}{{ \"}}\" }}").Render(new Scope()));
    }

    [Fact]
    public void A_text_lists_the_variables_of_all_its_parts_once()
    {
        var text = Text("{{ context.a }} {{ user.b + context.a }} {{ 1 }} {{ context.c }}");

        Assert.Equal(["context.a", "user.b", "context.c"], text.Variables);
        Assert.Empty(Text("no parts").Variables);
    }

    [Theory]
    [InlineData("Hi {{ context.name", "at 4: '{{' is not closed with '}}'")]
    [InlineData("{{ 1 }} and {{ 'a }}' ", "at 13: '{{' is not closed with '}}'")]
    [InlineData("{{", "at 1: '{{' is not closed with '}}'")]
    [InlineData("Hello {{ 1 + }}", "at 14: expected a value, found the end of the expression")]
    [InlineData("Hello {{ }}", "at 10: expected a value, found the end of the expression")]
    [InlineData("a\n{{ order.id }}", "at 6: unknown name 'order'")]
    [InlineData("{{ 1 }}{{ nope(1) }}", "at 11: unknown function 'nope'")]
    public void A_text_error_names_its_position_in_the_whole_text(string source, string error) =>
        Assert.StartsWith(error, TextRefused(source), StringComparison.Ordinal);

    [Fact]
    public void A_text_takes_at_most_100_parts()
    {
        var hundred = string.Concat(Enumerable.Repeat("{{1}}", 100));
        Assert.Equal(new string('1', 100), Text(hundred).Render(new Scope()));

        Assert.Equal(
            "at 502: the text has more than the limit of 100 {{ }} parts", TextRefused(hundred + " {{1}}"));
    }

    [Fact]
    public void Each_part_of_a_text_has_the_expression_source_limit()
    {
        var part = "'" + new string('a', ChatExpression.MaxSourceChars) + "'";

        Assert.StartsWith(
            "at 2003: the expression is longer", TextRefused("{{ " + part + " }}"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rendered_text_over_the_string_limit_is_an_error()
    {
        var scope = new Scope { ["context.s"] = new string('x', 40_000) };

        Assert.Equal(40_001, Text("{{ context.s }}!").Render(scope).Length);
        Assert.Contains(
            "65536 characters",
            Assert.Throws<ExpressionException>(() => Text("{{ context.s }}{{ context.s }}").Render(scope)).Message,
            StringComparison.Ordinal);
        Assert.Contains(
            "65536 characters",
            Assert.Throws<ExpressionException>(() => Text("{{ context.s }}" + new string('y', 30_000)).Render(scope))
                .Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "at 65537: the text is longer", TextRefused(new string('z', 70_000)), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluation_errors_in_a_text_are_expression_exceptions_with_the_position()
    {
        var message = Assert.Throws<ExpressionException>(() => Text("Total: {{ 1 / 0 }}").Render(new Scope())).Message;

        Assert.Equal("at 13: division by zero", message);
    }

    private sealed class Scope : IExpressionScope
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

        public List<string> Asked { get; } = [];

        public string Text { get; init; } = "";

        public string Html { get; init; } = "";

        public DateTimeOffset Now { get; init; } = Noon;

        public object? this[string name]
        {
            get => _values[name];
            set => _values[name] = value;
        }

        public bool TryGet(string name, out object? value)
        {
            Asked.Add(name);
            return _values.TryGetValue(name, out value);
        }

        public string HistoryText() => Text;

        public string HistoryHtml() => Html;
    }
}
