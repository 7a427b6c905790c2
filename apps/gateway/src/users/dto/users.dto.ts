import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CreateUserFields, UpdateUserFields, USER_SORT_FIELDS, UserSortBy } from '@app/contracts';
import { PaginationQueryDto } from '../../http/pagination.dto';

export class CreateUserDto extends CreateUserFields {}

export class UpdateUserDto extends UpdateUserFields {}

export class ListUsersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: USER_SORT_FIELDS, default: 'created_at' })
  @IsOptional()
  @IsIn(USER_SORT_FIELDS)
  sort_by: UserSortBy = 'created_at';
}
