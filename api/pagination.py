from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.site import absolute_url


class Pagination(PageNumberPagination):
    """
    `?page=2`, `?page_size=` up to 500; `count`, `next` and `previous` come with each page.
    `next` and `previous` are under SITE_URL, as every link the API gives (core.site), not
    the Host the request named.
    """

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(
            self._this_page(), self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._this_page(), self.page_query_param)
        return replace_query_param(self._this_page(), self.page_query_param, number)

    def _this_page(self):
        return absolute_url(self.request.get_full_path())
