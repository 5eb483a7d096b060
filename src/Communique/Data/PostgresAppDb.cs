using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Data;

public sealed class PostgresAppDb(DbContextOptions<PostgresAppDb> options, TenantContext tenant, TimeProvider clock)
    : AppDb(options, tenant, clock);
