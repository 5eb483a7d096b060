using Microsoft.EntityFrameworkCore;

namespace Communique.Data;

public sealed class PostgresAppDb(DbContextOptions<PostgresAppDb> options)
    : AppDb(options);
