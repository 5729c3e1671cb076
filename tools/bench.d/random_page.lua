-- wrk script for tools/bench: GET a page of the organizations listing picked at random among
-- all of them, so that a page's rows are rarely ones orgd read (and remembered) just before:
-- the cost of a listing whose rows come from the read model, not from memory.
--
--   wrk ... -s random_page.lua http://HOST:PORT/api/v1/organizations -- TOKEN PAGES PAGE_SIZE
--
-- Unlike get.lua this builds every request in Lua, which costs wrk (sharing the cores with
-- orgd) a little more than the bare-server anchor's runs: the ratio errs against orgd.

local pages, page_size
local threads = 0

-- Each thread gets its own id, hence its own random pages.
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local token = args[1] or error("random_page.lua: missing TOKEN argument")
  pages = tonumber(args[2]) or error("random_page.lua: missing PAGES argument")
  page_size = tonumber(args[3]) or error("random_page.lua: missing PAGE_SIZE argument")
  wrk.headers["Authorization"] = "Bearer " .. token
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  local path = wrk.path .. "?page=" .. math.random(1, pages) .. "&pageSize=" .. page_size
  return wrk.format(nil, path)
end
