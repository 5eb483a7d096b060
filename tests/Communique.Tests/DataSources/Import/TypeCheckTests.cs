using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class TypeCheckTests
{
    [Fact]
    public void Retyping_a_field_reports_the_values_that_do_not_fit_with_their_lines()
    {
        var (fields, records) = Read("id,amount\n1,12.5\n2,n/a\n3,\n4,\"1,000\"\n5,lots\n", SourceFormat.Csv);
        var check = new TypeCheck(FieldType.Number, EnUs);
        var amount = fields.IndexOf("amount");

        foreach (var record in records)
        {
            check.Observe(record.GetValue(amount), record.Line);
        }

        Assert.False(check.AllFit);
        Assert.Equal(2, check.MisfitCount);
        Assert.Equal([new Misfit(3, "n/a"), new Misfit(6, "lots")], check.Misfits);
    }

    [Fact]
    public void Only_the_first_misfits_are_kept_but_all_are_counted()
    {
        var check = new TypeCheck(FieldType.Date, EnUs, maxReported: 3);
        for (var i = 0; i < 50; i++)
        {
            check.Observe("not a date", i);
        }

        Assert.Equal(50, check.MisfitCount);
        Assert.Equal(3, check.Misfits.Count);
    }

    [Fact]
    public void Every_value_fits_a_string()
    {
        var check = new TypeCheck(FieldType.String, EnUs);
        check.Observe("anything", 2);

        Assert.True(check.AllFit);
    }
}
