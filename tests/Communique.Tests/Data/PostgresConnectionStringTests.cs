using Communique.Data;
using Npgsql;

namespace Communique.Tests.Data;

public sealed class PostgresConnectionStringTests
{
    // Statements are prepared and kept across the pool's rentals by default; a connection string that says otherwise
    // is followed, in either spelling of the keyword.
    [Fact]
    public void Statements_are_kept_prepared_unless_the_connection_string_says_otherwise()
    {
        var given = new NpgsqlConnectionStringBuilder(
            DataSetup.PostgresConnectionString("Host=db.internal;Database=communique;Username=app"));
        Assert.Equal((100, true, "db.internal"), (given.MaxAutoPrepare, given.NoResetOnClose, given.Host));

        var chosen = new NpgsqlConnectionStringBuilder(
            DataSetup.PostgresConnectionString("Host=db;Max Auto Prepare=0;NoResetOnClose=false"));
        Assert.Equal((0, false), (chosen.MaxAutoPrepare, chosen.NoResetOnClose));
    }
}
