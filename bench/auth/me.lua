-- GET /me as the bootstrapped credential: one token, reused, as an API client would.
local function need(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set; run bench/auth/run.sh rather than wrk directly")
  end
  return value
end

wrk.headers["Authorization"] = "Bearer " .. need("BENCH_TOKEN")
wrk.headers["PB-Customer-Id"] = need("COMMUNIQUE_CUSTOMER_ID")
