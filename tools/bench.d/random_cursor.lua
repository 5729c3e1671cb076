-- wrk script for tools/bench: GET the page after a cursor picked at random among those in
-- CURSORS (one per line, from record_cursors.lua): pages at random as a client paging by
-- cursor reaches them. A cursor names the key its page starts at, so orgd seeks there without
-- the count tree's walk that a page number takes; beside the row of pages at random by number,
-- it tells what the walk costs and what reading the page's rows costs.
--
--   wrk ... -s random_cursor.lua http://HOST:PORT/api/v1/organizations -- TOKEN PAGE_SIZE CURSORS

local cursors = {}
local page_size
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local token = args[1] or error("random_cursor.lua: missing TOKEN argument")
  page_size = tonumber(args[2]) or error("random_cursor.lua: missing PAGE_SIZE argument")
  local path = args[3] or error("random_cursor.lua: missing CURSORS argument")
  for line in io.lines(path) do
    cursors[#cursors + 1] = line
  end
  if #cursors == 0 then error("random_cursor.lua: no cursor in " .. path) end
  wrk.headers["Authorization"] = "Bearer " .. token
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  local cursor = cursors[math.random(1, #cursors)]
  return wrk.format(nil, wrk.path .. "?cursor=" .. cursor .. "&pageSize=" .. page_size)
end
